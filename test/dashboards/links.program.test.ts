/**
 * Each alert's dashboard_url, as the deployed rule file carries it, opens this stack's dashboard on a panel that
 * exists and is about what the alert watches: the panel's queries read a metric the alert's expression reads
 * (through its recording rules). An alert that reads no metric of the app's (the Watchdog's `vector(1)`, the alerting
 * pipeline's alerts on the servers' own series) is about the alerting pipeline, so its panel reads Prometheus' ALERTS
 * series.
 */
import { ALL_METRICS, SERVER_METRICS, SYNTHETIC_METRICS } from "../../promql/metrics";
import type { StackRun } from "../../tools/engine/program";
import { type DashboardJson, dashboardOf, dataPanels } from "../helpers/dashboard-json";
import { parser } from "../helpers/promql-checker";
import { allRules, alerts, type RuleFile, ruleFileOf } from "../helpers/rule-file";
import { runStack, single, TYPES } from "../helpers/stack";

const SERVER_METRIC_NAMES: ReadonlySet<string> = new Set(Object.values(SERVER_METRICS).map((metric) => metric.name));

/** The catalogue metrics an expression selects (a histogram's series by its base name), recorded series expanded. */
function metricsRead(expr: string, recordings: ReadonlyMap<string, string>, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.node.type.name !== "VectorSelector") return;
      const identifier = ref.node.getChild("Identifier");
      if (!identifier) return;
      const name = expr.slice(identifier.from, identifier.to);
      const recording = recordings.get(name);
      if (recording !== undefined && !seen.has(name)) {
        for (const metric of metricsRead(recording, recordings, new Set([...seen, name]))) found.add(metric);
        return;
      }
      const metric = ALL_METRICS.find((m) => name === m.name || (m.type === "histogram" && [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`].includes(name)));
      if (metric) found.add(metric.name);
    },
  });
  return found;
}

describe.each(["staging", "production"])("dashboard links of the %s stack's alerts", (stack) => {
  let run: StackRun;
  let file: RuleFile;
  let dashboard: DashboardJson;
  beforeAll(async () => {
    run = await runStack(stack);
    file = ruleFileOf(run).parsed;
    dashboard = dashboardOf(run);
  });

  it("every dashboard_url is this stack's Grafana and dashboard uid, with a viewPanel id of a data panel", () => {
    const grafanaUrl = single(run, TYPES.grafanaProvider).inputs.url as string;
    const panelIds = dataPanels(dashboard).map((panel) => panel.id);
    for (const rule of alerts(file)) {
      const url = new URL(rule.annotations!.dashboard_url);
      const viewPanel = Number(url.searchParams.get("viewPanel"));
      expect({ alert: rule.alert, dashboard: `${url.origin}${url.pathname}`, params: [...url.searchParams.keys()], panelExists: panelIds.includes(viewPanel) }).toEqual({
        alert: rule.alert,
        dashboard: `${grafanaUrl}/d/${dashboard.uid}`,
        params: ["viewPanel"],
        panelExists: true,
      });
    }
  });

  it("every alert's panel reads what the alert watches", () => {
    const recordings = new Map(allRules(file).filter((rule) => rule.record).map((rule) => [rule.record!, rule.expr]));
    const panels = new Map(dataPanels(dashboard).map((panel) => [panel.id, panel]));
    for (const rule of alerts(file)) {
      const panel = panels.get(Number(new URL(rule.annotations!.dashboard_url).searchParams.get("viewPanel")))!;
      const alertReads = metricsRead(rule.expr, recordings);
      const panelReads = new Set((panel.targets ?? []).flatMap((target) => [...metricsRead(target.expr, recordings)]));
      // An alert on nothing of the app's (the Watchdog's vector(1), the servers' own series of the alerting pipeline)
      // links to the panel that lists it firing.
      const appReads = [...alertReads].filter((metric) => !SERVER_METRIC_NAMES.has(metric));
      const subject = appReads.length > 0 ? appReads : [SYNTHETIC_METRICS.alerts.name];
      expect({ alert: rule.alert, panel: panel.title, shared: subject.some((metric) => panelReads.has(metric)) }).toEqual({ alert: rule.alert, panel: panel.title, shared: true });
    }
  });
});

describe("the links follow the stack's config", () => {
  it("another Grafana URL and dashboard uid reach every alert's link and the deployed dashboard together", async () => {
    const run = await runStack("staging", { config: { grafanaUrl: "https://grafana.example.test", dashboardUid: "billing-test" } });
    expect(dashboardOf(run).uid).toBe("billing-test");
    for (const rule of alerts(ruleFileOf(run).parsed)) expect(rule.annotations!.dashboard_url).toMatch(/^https:\/\/grafana\.example\.test\/d\/billing-test\?viewPanel=\d+$/);
  });
});

describe("metricsRead", () => {
  it("expands recorded series and names histograms by their base name", () => {
    const recordings = new Map([["namespace:x:ratio", 'sum(rate(rsolv_billing_payment_processed_total{status="failed"}[5m])) / sum(rate(rsolv_billing_payment_processed_total[5m]))']]);
    expect([...metricsRead("namespace:x:ratio > 0.1 and histogram_quantile(0.9, rate(rsolv_billing_credits_added_amount_credits_bucket[1h])) > 3", recordings)]).toEqual([
      "rsolv_billing_payment_processed_total",
      "rsolv_billing_credits_added_amount_credits",
    ]);
    expect([...metricsRead("vector(1)", recordings)]).toEqual([]);
  });
});
