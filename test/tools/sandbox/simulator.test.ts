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
