/**
 * The rule builders on made-up config, with the exact rules they must write (Sloth's and pulumi-eks's way): every
 * number below comes from the config at the top, so each can be traced by hand. A 10-minute rate window is 600 s;
 * the guard needs 20 payments or 4 failures in it; the warning is above 20 % for 5 minutes, the page above 50 % for 2.
 */
import { ratioAlert, ruleContext } from "../../alerts/common";
import { paymentsGroup } from "../../alerts/payments";
import { RELEASE_FEATURES } from "../../alerts/integrations";
import { parseConfig } from "../../config";
import { parseDuration } from "../../common/duration";
import { METRICS } from "../../promql/metrics";

const cfg = parseConfig({
  stack: "qa",
  secretKeys: new Set(["smtpPassword", "grafanaToken"]),
  values: {
    imageTag: "v1",
    smtpUsername: "key",
    smtpPassword: "unused",
    grafanaToken: "unused",
    environment: "qa",
    appNamespace: "shop",
    rateWindow: "10m",
    scrapeInterval: "15s",
    ruleEvaluationInterval: "30s",
    minEventsPerWindow: "20",
    minFailuresPerWindow: "4",
    paymentFailureWarningRatio: "0.2",
    paymentFailureWarningFor: "5m",
    paymentFailureCriticalRatio: "0.5",
    paymentFailureCriticalFor: "2m",
    grafanaUrl: "https://grafana.example",
    dashboardUid: "shop-billing",
    runbookBaseUrl: "https://docs.example/runbooks",
  },
}, RELEASE_FEATURES);
const ctx = ruleContext(cfg);

const RATE = "namespace_plan_status_failure_code:rsolv_billing_payment_processed:rate10m";
const RATIO = "namespace:rsolv_billing_payment_failure:ratio_rate10m";
const PAYMENTS = 'rsolv_billing_payment_processed_total{namespace="shop"}';
/** The guard: 20 payments or 4 failures in the 10-minute window, from the per-second rate × 600 s. */
const GUARD = [
  "(",
  `  sum by (namespace) (${RATE}{namespace="shop"}) * 600 >= 20`,
  "  or",
  `  sum by (namespace) (${RATE}{namespace="shop",status="failed"}) * 600 >= 4`,
  ")",
].join("\n");

describe("ratioAlert", () => {
  it("fires on the ratio above its threshold where the guard passes, by namespace", () => {
    const rule = ratioAlert(ctx, {
      alert: "Made-up",
      ratio: "r",
      events: "e",
      failures: "f",
      watched: { failures: { metric: METRICS.paymentProcessed, matchers: { status: "failed" } }, events: { metric: METRICS.paymentProcessed, matchers: {} }, window: parseDuration("10m")! },
      threshold: 0.25,
      for: parseDuration("3m")!,
      labels: { severity: "warning" },
      annotations: (name) => ({ summary: "s", description: "d", action: "a", runbook_url: `u#${name}`, dashboard_url: "v" }),
    });
    expect({ ...rule, for: rule.for.text }).toEqual({
      alert: "Made-up",
      expr: "r > 0.25\nand on (namespace)\n(\n  e >= 20\n  or\n  f >= 4\n)",
      for: "3m",
      labels: { severity: "warning" },
      // Its annotations are made from its name, written once.
      annotations: { summary: "s", description: "d", action: "a", runbook_url: "u#Made-up", dashboard_url: "v" },
      // What it watches, for the rule tests and the sandbox: the raw series the ratio counts, its window and threshold.
      watch: { kind: "ratio", failures: { metric: METRICS.paymentProcessed, matchers: { status: "failed" } }, events: { metric: METRICS.paymentProcessed, matchers: {} }, window: parseDuration("10m")!, threshold: 0.25 },
    });
  });
});

describe("the payments group", () => {
  const group = paymentsGroup(ctx);
  const rule = (name: string) => group.rules.find((r) => ("alert" in r ? r.alert : r.record) === name)!;

  it("records the per-second rate by outcome and the failure ratio, over the 10-minute window", () => {
    expect({ name: group.name, interval: group.interval.text }).toEqual({ name: "billing-payments", interval: "30s" });
    // The payments' own records (the group may hold other payment-side series too).
    expect(group.rules.filter((r) => "record" in r && [RATE, RATIO].includes(r.record))).toEqual([
      {
        record: RATE,
        // New series are counted from their first sample, others by increase(); per second over 600 s.
        expr: `(sum by (namespace, plan, status, failure_code) ((last_over_time(${PAYMENTS}[10m]) unless present_over_time(${PAYMENTS}[10m] offset 10m))\nor\nincrease(${PAYMENTS}[10m]))) / 600`,
      },
      { record: RATIO, expr: `sum by (namespace) (${RATE}{namespace="shop",status="failed"})\n/\nsum by (namespace) (${RATE}{namespace="shop"})` },
    ]);
  });

  it("warns above 20 % for 5 minutes and pages above 50 % for 2, both behind the guard", () => {
    const high = rule("BillingPaymentFailureRateHigh") as ReturnType<typeof ratioAlert>;
    const critical = rule("BillingPaymentFailureRateCritical") as ReturnType<typeof ratioAlert>;
    expect([high, critical].map((r) => ({ expr: r.expr, for: r.for.text, labels: r.labels }))).toEqual([
      { expr: `${RATIO}{namespace="shop"} > 0.2\nand on (namespace)\n${GUARD}`, for: "5m", labels: { severity: "warning", family: "billing-payment-failure-rate", environment: "qa", namespace: "shop", team: "billing" } },
      { expr: `${RATIO}{namespace="shop"} > 0.5\nand on (namespace)\n${GUARD}`, for: "2m", labels: { severity: "critical", family: "billing-payment-failure-rate", environment: "qa", namespace: "shop", team: "billing" } },
    ]);
  });

  it("says the numbers in its description and links the runbook section and the failed-payments panel", () => {
    const high = rule("BillingPaymentFailureRateHigh") as ReturnType<typeof ratioAlert>;
    expect(high.annotations).toMatchObject({
      description:
        "{{ $value | humanizePercentage }} of payments in {{ $labels.namespace }} failed over the last 10 minutes, above 20% for 5 minutes " +
        "(only counted when at least 20 payments were processed, or 4 failed, in the last 10 minutes).",
      runbook_url: "https://docs.example/runbooks/payment-failures.md#billingpaymentfailureratehigh",
      dashboard_url: "https://grafana.example/d/shop-billing?viewPanel=7",
    });
    // Numbered steps, one a line.
    expect(high.annotations.action.split("\n").map((line) => line.slice(0, 3))).toEqual(["1. ", "2. ", "3. "]);
  });
});
