/**
 * Every query each stack's dashboard runs, checked like the alert rules: it parses as PromQL and reads only
 * catalogue metrics and labels with fitting types; variable queries ask for labels their series carry; every
 * variable a query uses is defined.
 */
import { ALL_METRICS, SCRAPE_LABELS } from "../../promql/metrics";
import { type DashboardJson, dataPanels, deployedDashboard, labelValuesQuery } from "../helpers/dashboard-json";
import { undefinedVariables, variablesUsed, windowVariables } from "../helpers/dashboard-lint";
import { checkPromQL, recordedLabels } from "../helpers/promql-checker";
import { allRules, deployedRuleFile } from "../helpers/rule-file";

const SCRAPE_INTERVAL_SECONDS = 30; // the default scrapeInterval, which both stacks keep

describe.each(["staging", "production"])("queries of the %s dashboard", (stack) => {
  let dashboard: DashboardJson;
  let check: (expr: string) => string[];
  beforeAll(async () => {
    dashboard = await deployedDashboard(stack);
    // Panels may read what the stack's rules record. They match `customer_id` on recorded series on purpose: the
    // label is missing there, so the matcher passes only for "All" (dashboards/common.ts forCustomers).
    const records = allRules((await deployedRuleFile(stack)).parsed).filter((rule) => rule.record);
    const recorded = new Map(records.map((rule) => [rule.record!, [...recordedLabels(rule.record!), "customer_id"]]));
    check = (expr: string) => checkPromQL(expr, { recorded, scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS, windowVariables: windowVariables(SCRAPE_INTERVAL_SECONDS) });
  });

  it("every panel query parses and uses only catalogue metrics and labels, with fitting types and windows", () => {
    const queries = dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ at: `${panel.title} ${target.refId}`, expr: target.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(12); // every data panel has at least one
    expect(queries.flatMap(({ at, expr }) => check(expr).map((problem) => `${at}: ${problem}`))).toEqual([]);
  });

  it("every variable query selects catalogue series by their labels and asks for a label they carry", () => {
    const queryVariables = dashboard.templating.list.filter((variable) => variable.type === "query");
    expect(queryVariables.map((variable) => variable.name)).toEqual(["plan", "customer_id"]);
    for (const variable of queryVariables) {
      const parsed = labelValuesQuery(String(variable.query));
      expect({ variable: variable.name, form: parsed ? "label_values" : String(variable.query) }).toEqual({ variable: variable.name, form: "label_values" });
      // label_values only looks series up, so a counter outside rate() is fine here; everything else must hold.
      const problems = check(parsed!.selector).filter((problem) => !/outside rate\(\)\/increase\(\)\/countIn$/.test(problem));
      expect({ variable: variable.name, problems }).toEqual({ variable: variable.name, problems: [] });
      const metric = ALL_METRICS.find((m) => parsed!.selector.startsWith(`${m.name}{`) || parsed!.selector === m.name)!;
      expect({ variable: variable.name, carries: [...metric.labels, ...SCRAPE_LABELS].includes(parsed!.label) }).toEqual({ variable: variable.name, carries: true });
    }
  });

  it("every variable a query uses is defined, and plan and customer_id each filter some panel", () => {
    expect(undefinedVariables(dashboard)).toEqual([]);
    const panelUses = new Set(dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).flatMap((target) => variablesUsed(target.expr))));
    expect([...panelUses].sort()).toEqual(["customer_id", "plan"]);
  });
});

describe("undefinedVariables", () => {
  it("names each use of a variable the dashboard lacks, and skips Grafana's own", async () => {
    const dashboard = structuredClone(await deployedDashboard("production"));
    const panel = dashboard.panels.find((p) => p.id === 1)!;
    panel.targets![0].expr = `sum(rate(x_total{region=~"\${region:regex}",zone="[[zone]]"}[$__rate_interval]))`;
    expect(undefinedVariables(dashboard)).toEqual([
      'panel 1 "Subscription Creation Rate" query A uses $region, which is not defined',
      'panel 1 "Subscription Creation Rate" query A uses $zone, which is not defined',
    ]);
  });
});
