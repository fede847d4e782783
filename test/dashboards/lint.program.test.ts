/**
 * The dashboard-linter rules that matter, over every panel each stack deploys; then each rule shown to catch the
 * fault it is for, on a copy of the real dashboard with that one fault put in.
 */
import { type DashboardJson, dataPanels, deployedDashboard } from "../helpers/dashboard-json";
import { lintDashboard, rateWindows } from "../helpers/dashboard-lint";

const SCRAPE_INTERVAL_SECONDS = 30; // the default scrapeInterval, which both stacks keep
const lint = (dashboard: DashboardJson) => lintDashboard(dashboard, { scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS });

describe.each(["staging", "production"])("the %s dashboard", (stack) => {
  let dashboard: DashboardJson;
  beforeAll(async () => {
    dashboard = await deployedDashboard(stack);
  });

  it("passes every rule", () => {
    expect(lint(dashboard)).toEqual([]);
  });

  it("has rate() in its queries to check (the rate-interval rule is not vacuous)", () => {
    const windows = dataPanels(dashboard).flatMap((panel) => (panel.targets ?? []).flatMap((target) => rateWindows(target.expr)));
    expect(windows.length).toBeGreaterThanOrEqual(5);
  });
});

describe("each rule catches its fault", () => {
  let clean: DashboardJson;
  beforeAll(async () => {
    clean = await deployedDashboard("production");
  });

  /** A copy of the dashboard with one change made to the panel of the given id. */
  function withPanel(id: number, change: (panel: DashboardJson["panels"][number]) => void): DashboardJson {
    const copy = structuredClone(clean);
    const panel = copy.panels.find((p) => p.id === id)!;
    change(panel);
    return copy;
  }

  // Panel 1 is the seed's first panel, Subscription Creation Rate: a rate() of a counter, one query.
  it.each<[string, (panel: DashboardJson["panels"][number]) => void, string]>([
    ["a fixed panel datasource", (p) => (p.datasource = { type: "prometheus", uid: "prom-prod" }), 'panel-datasource-rule: panel 1 "Subscription Creation Rate" does not read from ${datasource}'],
    ["a fixed query datasource", (p) => (p.targets![0].datasource = { type: "prometheus", uid: "prom-prod" }), 'panel-datasource-rule: panel 1 "Subscription Creation Rate" query A does not read from ${datasource}'],
    ["a fixed rate window", (p) => (p.targets![0].expr = p.targets![0].expr.replace("$__rate_interval", "5m")), 'target-rate-interval-rule: panel 1 "Subscription Creation Rate" query A has rate() over [5m], not [$__rate_interval]'],
    ["a counter outside rate()", (p) => (p.targets![0].expr = p.targets![0].expr.replace(/rate\((.*)\[\$__rate_interval\]\)/, "$1")), 'target-counter-agg-rule: panel 1 "Subscription Creation Rate" query A: counter rsolv_billing_subscription_created_total is used outside rate()/increase()/countIn'],
    ["no unit", (p) => delete p.fieldConfig!.defaults.unit, 'panel-units-rule: panel 1 "Subscription Creation Rate" has no unit'],
    ["an unknown unit", (p) => (p.fieldConfig!.defaults.unit = "per-second"), 'panel-units-rule: panel 1 "Subscription Creation Rate" has unknown unit per-second'],
    ["no title", (p) => (p.title = " "), 'panel-title-description-rule: panel 1 " " has no title'],
    ["no description", (p) => delete p.description, 'panel-title-description-rule: panel 1 "Subscription Creation Rate" has no description'],
    ["no query", (p) => (p.targets = []), 'panel-no-targets-rule: panel 1 "Subscription Creation Rate" has no query'],
  ])("%s", (_fault, change, problem) => {
    expect(lint(withPanel(1, change))).toEqual([problem]);
  });

  it("an override's unknown unit", () => {
    // Panel 11 (Stripe Webhooks) sets seconds on its duration query by an override.
    const broken = withPanel(11, (p) => (p.fieldConfig!.overrides[0].properties.find((property) => property.id === "unit")!.value = "secs"));
    expect(lint(broken)).toEqual(['panel-units-rule: panel 11 "Stripe Webhooks" has unknown unit secs']);
  });

  it("an editable dashboard", () => {
    expect(lint({ ...structuredClone(clean), editable: true })).toEqual(["uneditable-dashboard: the dashboard is editable"]);
  });

  it("a variable with a fixed datasource, refreshed only on load", () => {
    const broken = structuredClone(clean);
    const plan = broken.templating.list.find((variable) => variable.name === "plan")!;
    plan.datasource = { type: "prometheus", uid: "prom-prod" };
    plan.refresh = 1;
    expect(lint(broken)).toEqual([
      "template-datasource-rule: variable plan does not read from ${datasource}",
      "template-on-time-change-reload-rule: variable plan does not refresh on time range change",
    ]);
  });

  it("no datasource variable", () => {
    const broken = structuredClone(clean);
    broken.templating.list = broken.templating.list.filter((variable) => variable.type !== "datasource");
    expect(lint(broken)).toEqual(["template-datasource-rule: the dashboard needs one datasource variable named datasource, of type prometheus"]);
  });
});

describe("rateWindows", () => {
  it("reads each rate() and irate() window, Grafana variables as written, and skips increase()", () => {
    expect(rateWindows("sum(rate(a_total[$__rate_interval])) / sum(irate(b_total[5m])) + increase(c_total[$__range])")).toEqual([
      { fn: "rate", window: "$__rate_interval" },
      { fn: "irate", window: "5m" },
    ]);
  });
});
