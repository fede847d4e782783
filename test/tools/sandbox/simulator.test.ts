/** The simulator exports the whole catalogue, and each scenario's traffic sits on the right side of its threshold. */
import { METRICS } from "../../../promql/metrics";
import { profileConfig } from "../../../tools/sandbox/profile";
import { SCENARIOS, traffic } from "../../../tools/sandbox/scenarios";
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
  const t = cfg.thresholds;
  const healthy = traffic(cfg, "healthy");

  it("healthy stays below every threshold, with traffic above the low-traffic guard", () => {
    expect(healthy.paymentFailureRatio).toBeLessThan(t.paymentFailureWarning.ratio);
    expect(healthy.webhookFailureRatio).toBeLessThan(t.webhookFailure.ratio);
    expect(healthy.webhookSeconds).toBeLessThan(t.webhookDuration.p95Seconds);
    expect(healthy.cancellationRatio).toBeLessThan(t.cancellation.ratio);
    expect(healthy.grantCredits).toBeLessThan(t.creditGrant.p99);
    expect(healthy.paymentsPerSecond * t.rateWindow.seconds).toBeGreaterThan(t.minEventsPerWindow);
    expect(healthy.subscriptionsPerSecond * t.cancellation.window.seconds).toBeGreaterThan(t.minEventsPerWindow);
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
    expect(warning > t.paymentFailureWarning.ratio && warning < t.paymentFailureCritical.ratio).toBe(true);
    expect(traffic(cfg, "payment-failures-critical").paymentFailureRatio).toBeGreaterThan(t.paymentFailureCritical.ratio);
    expect(traffic(cfg, "webhook-failures").webhookFailureRatio).toBeGreaterThan(t.webhookFailure.ratio);
    expect(traffic(cfg, "webhook-slow").webhookSeconds).toBeGreaterThan(t.webhookDuration.p95Seconds);
    expect(traffic(cfg, "cancellation-spike").cancellationRatio).toBeGreaterThan(t.cancellation.ratio);
    // More than 1 % of grants large puts the p99 among them.
    expect(traffic(cfg, "credit-anomaly").largeGrantShare).toBeGreaterThan(0.01);
    expect(healthy.largeGrantCredits).toBeGreaterThan(t.creditGrant.p99);
  });
});
