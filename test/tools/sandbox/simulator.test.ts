/** The simulator exports the whole catalogue, and each scenario's traffic sits on the right side of its threshold. */
import { METRICS } from "../../../promql/metrics";
import { profileConfig } from "../../../tools/sandbox/profile";
import { alertRules, buildRuleGroups } from "../../../alerts";
import { alertScenarios, EXPECTED_ALERTS, scenarioNames, SCENARIOS, traffic } from "../../../tools/sandbox/scenarios";
import { BillingSimulator } from "../../../tools/sandbox/simulator";

const cfg = profileConfig();

/** Label names of each series in the exposition text, by series name. */
function labelSets(exposition: string): Map<string, Set<string>> {
  const sets = new Map<string, Set<string>>();
  for (const line of exposition.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!match) continue;
    const labels = [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]).sort().join(",");
    sets.set(match[1], (sets.get(match[1]) ?? new Set()).add(labels));
  }
  return sets;
}

describe("the simulator", () => {
  it("exports every catalogue metric from the first scrape, with exactly its catalogue labels", async () => {
    // GIVEN a fresh simulator WHEN scraped
    const sets = labelSets(await new BillingSimulator(cfg).metrics());
    // THEN every metric (each histogram as _bucket with le, _sum and _count) has series with exactly its labels
    for (const metric of Object.values(METRICS)) {
      const expected = [...metric.labels].sort().join(",");
      const series = metric.type === "histogram" ? { [`${metric.name}_bucket`]: [...metric.labels, "le"].sort().join(","), [`${metric.name}_sum`]: expected, [`${metric.name}_count`]: expected } : { [metric.name]: expected };
      for (const [name, labels] of Object.entries(series)) expect({ name, labels: [...(sets.get(name) ?? [])] }).toEqual({ name, labels: [labels] });
    }
  });
});

describe("scenario traffic", () => {
  const healthy = traffic(cfg, "healthy");

  it("healthy stays below every threshold, with traffic above the low-traffic guard", () => {
    expect(healthy.paymentFailureRatio).toBeLessThan(cfg.paymentFailureWarningRatio);
    expect(healthy.webhookFailureRatio).toBeLessThan(cfg.webhookFailureRatio);
    expect(healthy.webhookSeconds).toBeLessThan(cfg.webhookDurationP95Seconds);
    expect(healthy.cancellationRatio).toBeLessThan(cfg.cancellationRatio);
    expect(healthy.grantCredits).toBeLessThan(cfg.creditGrantP99Threshold);
    expect(healthy.paymentsPerSecond * cfg.rateWindow.seconds).toBeGreaterThan(cfg.minEventsPerWindow);
    expect(healthy.subscriptionsPerSecond * cfg.cancellationWindow.seconds).toBeGreaterThan(cfg.minEventsPerWindow);
  });

  it("each failing scenario crosses its own threshold and leaves the others as healthy", () => {
    const changed = Object.fromEntries(
      SCENARIOS.map((scenario) => {
        const run = traffic(cfg, scenario);
        return [scenario, Object.keys(run).filter((key) => run[key as keyof typeof run] !== healthy[key as keyof typeof healthy])];
      }),
    );
    expect(changed).toEqual({
      healthy: [],
      "payment-failures-warning": ["paymentFailureRatio"],
      "payment-failures-critical": ["paymentFailureRatio"],
      "webhook-failures": ["webhookFailureRatio"],
      "webhook-slow": ["webhookSeconds"],
      "webhooks-stalled": ["webhooksPerSecond"],
      "cancellation-spike": ["cancellationRatio"],
      "credit-anomaly": ["largeGrantShare"],
      "target-down": ["up"],
    });
    const warning = traffic(cfg, "payment-failures-warning").paymentFailureRatio;
    expect(warning > cfg.paymentFailureWarningRatio && warning < cfg.paymentFailureCriticalRatio).toBe(true);
    expect(traffic(cfg, "payment-failures-critical").paymentFailureRatio).toBeGreaterThan(cfg.paymentFailureCriticalRatio);
    expect(traffic(cfg, "webhook-failures").webhookFailureRatio).toBeGreaterThan(cfg.webhookFailureRatio);
    expect(traffic(cfg, "webhook-slow").webhookSeconds).toBeGreaterThan(cfg.webhookDurationP95Seconds);
    expect(traffic(cfg, "cancellation-spike").cancellationRatio).toBeGreaterThan(cfg.cancellationRatio);
    // More than 1 % of grants large puts the p99 among them.
    expect(traffic(cfg, "credit-anomaly").largeGrantShare).toBeGreaterThan(0.01);
    expect(healthy.largeGrantCredits).toBeGreaterThan(cfg.creditGrantP99Threshold);
  });
});

describe("an alert's own scenario, made from what it watches", () => {
  // A made-up alert on a metric the simulator has no stream for: refunds failing above 20 % over 5 minutes.
  const refunds = { name: "rsolv_billing_refund_processed_total", type: "counter" as const, labels: ["plan", "status"], help: "Refunds processed.", source: "[:rsolv, :billing, :refund_processed]" };
  const alert = {
    alert: "BillingRefundFailureRateHigh",
    expr: "refund ratio > 0.2",
    for: cfg.rateWindow,
    labels: { severity: "warning" as const },
    annotations: { summary: "", description: "", action: "", runbook_url: "", dashboard_url: "" },
    watch: { kind: "ratio" as const, failures: { metric: refunds, matchers: { status: "failed" } }, events: { metric: refunds, matchers: {} }, window: cfg.rateWindow, threshold: 0.2 },
  };
  /** Failed and all refunds counted in an exposition. */
  const counts = (exposition: string) => {
    const lines = exposition.split("\n").filter((line) => line.startsWith(`${refunds.name}{`));
    const sum = (filter: (line: string) => boolean) => lines.filter(filter).reduce((total, line) => total + Number(line.split(" ").pop()), 0);
    return { failed: sum((line) => line.includes('status="failed"')), all: sum(() => true) };
  };

  it("every alert of the stack that declares a watch is played by a scenario, a named one or its own; the named ones name alerts that exist", () => {
    const watched = alertRules(buildRuleGroups(cfg)).filter((rule) => rule.watch && rule.watch.kind !== "always").map((rule) => rule.alert);
    const named = new Set(Object.values(EXPECTED_ALERTS).flat());
    const own = [...alertScenarios(cfg).values()].map((rule) => rule.alert);
    expect(watched.filter((alert) => !named.has(alert) && !own.includes(alert))).toEqual([]);
    expect([...named].filter((alert) => !watched.includes(alert))).toEqual([]);
    expect(scenarioNames(cfg)).toEqual([...SCENARIOS, ...alertScenarios(cfg).keys()]);
  });

  it("a new alert gets a scenario named after it: healthy traffic under its threshold, failing traffic above it", async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, "now").mockImplementation(() => now);
    try {
      expect(scenarioNames(cfg, [alert])).toEqual([...SCENARIOS, "billing-refund-failure-rate-high"]);
      const simulator = new BillingSimulator(cfg, "healthy", [alert]);
      now += cfg.rateWindow.seconds * 1000;
      const healthy = counts(await simulator.metrics());
      // The guard's volume, GUARD_MARGIN times over, and a quarter of the threshold failing.
      expect(healthy.all).toBeGreaterThanOrEqual(cfg.minEventsPerWindow);
      expect(healthy.failed / healthy.all).toBeLessThan(alert.watch.threshold);
      await simulator.setScenario("billing-refund-failure-rate-high");
      now += cfg.rateWindow.seconds * 1000;
      const failing = counts(await simulator.metrics());
      expect((failing.failed - healthy.failed) / (failing.all - healthy.all)).toBeGreaterThan(alert.watch.threshold);
      // The named streams stay healthy meanwhile: only the alert's own series fail.
      expect(traffic(cfg, "billing-refund-failure-rate-high", [alert])).toEqual(traffic(cfg, "healthy"));
      await expect(simulator.setScenario("billing-refund-failure-rate-hgh")).rejects.toThrow('unknown scenario "billing-refund-failure-rate-hgh"; the scenarios are: healthy, ');
    } finally {
      clock.mockRestore();
    }
  });
});
