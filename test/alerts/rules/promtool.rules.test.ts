/**
 * `promtool test rules` on the rule file production deploys (staging's differs only in its names): every alert fires on the failure it names (exact labels
 * and annotations), stays quiet just under its threshold, stays pending while the condition is shorter than its
 * `for`, and ratio alerts stay quiet on low traffic. Recording rules are checked by value.
 *
 * Input series are built from per-minute increments, so every expected number can be traced by hand: 2 failed and
 * 8 succeeded payments a minute is a 20 % failure ratio over any window.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { stringify } from "yaml";

import { METRICS } from "../../../promql/metrics";
import { alerts, deployedRuleFile, type RuleFile } from "../../helpers/rule-file";
import type { Release } from "../../../tools/servers";
import { runTool, tempDir } from "../../helpers/tools";
import { groupOrder } from "../../helpers/traffic";
import { type AlertCase, type Annotate, type CaseKind, counter, type ExpectedAlert, type InputSeries, type Labels, series, type StackFacts } from "../../helpers/promtool-cases";
import { alertingPipelineCases } from "./alerting-pipeline-cases";

/** A histogram's cumulative `_bucket` series, with `perMinute` observations a minute all falling in the bucket ending at `le`. */
function histogram(base: string, labels: Labels, bounds: readonly number[], le: number, minutes: number, perMinute: number): InputSeries[] {
  return [...bounds.map(String), "+Inf"].map((bound) => ({
    series: series(`${base}_bucket`, { ...labels, le: bound }),
    values: counter([minutes, bound === "+Inf" || Number(bound) >= le ? perMinute : 0]),
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// What each stack's alerts must say, written out here rather than taken from the rules.

// Both stacks' rule files (staging's is production's with staging's names: test/alerts/rules/stack-equivalence.rules.test.ts), each
// on both ends of the supported range of promtool: the current release and the oldest (Debian 12's 2.42).
const FACTS: (StackFacts & { readonly release: Release })[] = (["current", "oldest"] as const).flatMap((release) => [
  { stack: "production", namespace: "rsolv-production", dashboardUid: "billing-metrics", release },
  { stack: "staging", namespace: "rsolv-staging", dashboardUid: "billing-metrics-staging", release },
]);

const RUNBOOKS = "https://github.com/rsolv-dev/billing-monitoring/blob/main/docs/runbooks";

interface RecordCase {
  readonly name: string;
  readonly input: InputSeries[];
  readonly evalAt: string;
  readonly expr: string;
  readonly expected: { labels: string; value: number }[];
}

function cases(f: StackFacts, file: RuleFile): { alertCases: AlertCase[]; recordCases: RecordCase[] } {
  const ns = { namespace: f.namespace };
  const action = (alert: string): string => alerts(file).find((rule) => rule.alert === alert)!.annotations!.action; // static prose
  const annotations: Annotate = (alert, runbook, panel, summary, description) => ({
    action: action(alert),
    dashboard_url: `https://grafana.rsolv.dev/d/${f.dashboardUid}?viewPanel=${panel}`,
    description,
    runbook_url: `${RUNBOOKS}/${runbook}#${alert.toLowerCase()}`,
    summary,
  });

  // Payments: one series per outcome; labels the app sets, plus the namespace Prometheus adds.
  const payment = (status: string) => series(METRICS.paymentProcessed.name, { ...ns, plan: "pro", payment_method: "card", status, failure_code: status === "failed" ? "card_declined" : "none", customer_id: "cus_1" });
  const payments = (minutes: number, failedPerMinute: number, succeededPerMinute: number): InputSeries[] => [
    { series: payment("failed"), values: counter([minutes, failedPerMinute]) },
    { series: payment("succeeded"), values: counter([minutes, succeededPerMinute]) },
  ];
  const paymentAlert = (alert: string, severity: string, percent: string, threshold: string, forText: string, summary: string, tail: string): ExpectedAlert => ({
    exp_labels: { ...ns, severity, family: "billing-payment-failure-rate", environment: f.stack, team: "billing" },
    exp_annotations: annotations(
      alert,
      "payment-failures.md",
      7,
      summary,
      `${percent} of payments in ${f.namespace} failed over the last 5 minutes, above ${threshold} for ${forText} (only counted when at least 10 payments were processed, or 5 failed, in the last 5 minutes).${tail}`,
    ),
  });

  const webhook = (status: string) => series(METRICS.webhookReceived.name, { ...ns, event_type: "invoice.paid", status });
  const webhooks = (minutes: number, failedPerMinute: number, succeededPerMinute: number): InputSeries[] => [
    { series: webhook("failed"), values: counter([minutes, failedPerMinute]) },
    { series: webhook("succeeded"), values: counter([minutes, succeededPerMinute]) },
  ];
  const WEBHOOK_BUCKETS = [0.1, 0.5, 1, 2.5, 5];
  const webhookDurations = (le: number, minutes: number) => histogram(METRICS.webhookDuration.name, { ...ns, event_type: "invoice.paid" }, WEBHOOK_BUCKETS, le, minutes, 10);

  const subscriptions = (minutes: number, createdPerMinute: number, cancelledPerMinute: number): InputSeries[] => [
    { series: series(METRICS.subscriptionCreated.name, { ...ns, plan: "pro", status: "active", customer_id: "cus_1" }), values: counter([minutes, createdPerMinute]) },
    { series: series(METRICS.subscriptionCancelled.name, { ...ns, plan: "pro", reason: "too_expensive", customer_id: "cus_1" }), values: counter([minutes, cancelledPerMinute]) },
  ];
  const CREDIT_BUCKETS = [100, 500, 1000, 5000, 10000];
  const creditGrants = (le: number, minutes: number) => histogram(METRICS.creditsAdded.name, { ...ns, source: "admin" }, CREDIT_BUCKETS, le, minutes, 1);

  const activeSubscriptions = series(METRICS.subscriptionsActive.name, { ...ns, plan: "pro" });

  const stalledExpected: ExpectedAlert = {
    exp_labels: { severity: "info", environment: f.stack, namespace: f.namespace, team: "billing" },
    exp_annotations: annotations(
      "StripeWebhooksStalled",
      "stripe-webhook-failures.md",
      11,
      "No Stripe webhooks received",
      `No Stripe webhook reached ${f.namespace} in the last 6 hours. Notified during business hours only; outside them the alert waits in Alertmanager.`,
    ),
  };

  const alertCases: AlertCase[] = [
    // --- BillingPaymentFailureRateHigh: > 10 % for 15m, warning.
    {
      name: "20 % of payments failing for 20 minutes fires the warning",
      kind: "fires", alert: "BillingPaymentFailureRateHigh",
      minutes: 30,
      input: payments(30, 2, 8),
      evalAt: "20m",
      expected: [paymentAlert("BillingPaymentFailureRateHigh", "warning", "20%", "10%", "15 minutes", "Payment failure rate is high", "")],
    },
    { name: "9 % failing stays quiet", kind: "quiet", alert: "BillingPaymentFailureRateHigh", minutes: 40, input: payments(40, 9, 91), evalAt: "30m", expected: [] },
    { name: "20 % failing for 12 minutes is still pending", kind: "pending", alert: "BillingPaymentFailureRateHigh", minutes: 30, input: payments(30, 2, 8), evalAt: "13m", expected: [] },
    { name: "1 failure in 2 payments per 5 minutes (50 %) is low traffic: quiet", kind: "low-traffic", alert: "BillingPaymentFailureRateHigh", minutes: 40, input: payments(40, 0.2, 0.2), evalAt: "30m", expected: [] },
    // --- BillingPaymentFailureRateCritical: > 25 % for 10m, critical.
    {
      name: "30 % of payments failing for 15 minutes fires the critical alert",
      kind: "fires", alert: "BillingPaymentFailureRateCritical",
      minutes: 30,
      input: payments(30, 3, 7),
      evalAt: "15m",
      expected: [paymentAlert("BillingPaymentFailureRateCritical", "critical", "30%", "25%", "10 minutes", "Payment failure rate is critical", " Revenue is being lost.")],
    },
    { name: "24 % failing stays quiet", kind: "quiet", alert: "BillingPaymentFailureRateCritical", minutes: 40, input: payments(40, 24, 76), evalAt: "30m", expected: [] },
    { name: "30 % failing for 8 minutes is still pending", kind: "pending", alert: "BillingPaymentFailureRateCritical", minutes: 30, input: payments(30, 3, 7), evalAt: "9m", expected: [] },
    { name: "2 of 3 payments failing per 5 minutes is low traffic: quiet", kind: "low-traffic", alert: "BillingPaymentFailureRateCritical", minutes: 40, input: payments(40, 0.4, 0.2), evalAt: "30m", expected: [] },
    // --- StripeWebhookFailureRateHigh: > 10 % for 15m, warning.
    {
      name: "25 % of webhooks failing for 20 minutes fires",
      kind: "fires", alert: "StripeWebhookFailureRateHigh",
      minutes: 30,
      input: webhooks(30, 5, 15),
      evalAt: "20m",
      expected: [
        {
          exp_labels: { ...ns, severity: "warning", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "StripeWebhookFailureRateHigh",
            "stripe-webhook-failures.md",
            11,
            "Stripe webhook failure rate is high",
            `25% of Stripe webhooks in ${f.namespace} failed over the last 5 minutes, above 10% for 15 minutes (only counted when at least 10 webhooks were received, or 5 failed, in the last 5 minutes). Stripe retries failed deliveries for up to 3 days, but subscription state lags until they succeed.`,
          ),
        },
      ],
    },
    { name: "9 % failing stays quiet", kind: "quiet", alert: "StripeWebhookFailureRateHigh", minutes: 40, input: webhooks(40, 9, 91), evalAt: "30m", expected: [] },
    { name: "25 % failing for 12 minutes is still pending", kind: "pending", alert: "StripeWebhookFailureRateHigh", minutes: 30, input: webhooks(30, 5, 15), evalAt: "13m", expected: [] },
    { name: "1 failure in 2 webhooks per 5 minutes is low traffic: quiet", kind: "low-traffic", alert: "StripeWebhookFailureRateHigh", minutes: 40, input: webhooks(40, 0.2, 0.2), evalAt: "30m", expected: [] },
    // --- StripeWebhookProcessingDurationHigh: p95 > 1s for 20m, warning.
    {
      // All observations in (1s, 2.5s]: p95 interpolates to 1 + 1.5 × 0.95 = 2.425 s.
      name: "webhooks taking 1 to 2.5 s for 30 minutes fire",
      kind: "fires",
      alert: "StripeWebhookProcessingDurationHigh",
      minutes: 40,
      input: webhookDurations(2.5, 40),
      evalAt: "30m",
      expected: [
        {
          exp_labels: { ...ns, severity: "warning", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "StripeWebhookProcessingDurationHigh",
            "stripe-webhook-failures.md",
            11,
            "Stripe webhook processing is slow",
            `p95 Stripe webhook processing time in ${f.namespace} is 2.425s over the last 5 minutes, above 1s for 20 minutes. A handler slower than Stripe's delivery timeout counts as failed and is retried.`,
          ),
        },
      ],
    },
    // All in (0.5s, 1s]: p95 = 0.5 + 0.5 × 0.95 = 0.975 s, just under 1 s.
    { name: "a p95 of 0.975 s stays quiet", kind: "quiet", alert: "StripeWebhookProcessingDurationHigh", minutes: 40, input: webhookDurations(1, 40), evalAt: "30m", expected: [] },
    { name: "slow for 15 minutes is still pending", kind: "pending", alert: "StripeWebhookProcessingDurationHigh", minutes: 40, input: webhookDurations(2.5, 40), evalAt: "16m", expected: [] },
    // --- StripeWebhooksStalled: no webhook in 6h, for 15m, info. Webhooks arrive for the first hour, then none.
    { name: "no webhook since 6h30m fires", kind: "fires", alert: "StripeWebhooksStalled", minutes: 480, input: webhooks(60, 0, 1).map((s) => ({ ...s, values: counter([60, s.series.includes('"failed"') ? 0 : 1], [420, 0]) })), evalAt: "7h30m", expected: [stalledExpected] },
    { name: "a webhook 5h40m ago keeps it quiet", kind: "quiet", alert: "StripeWebhooksStalled", minutes: 480, input: webhooks(60, 0, 1).map((s) => ({ ...s, values: counter([60, s.series.includes('"failed"') ? 0 : 1], [420, 0]) })), evalAt: "6h40m", expected: [] },
    { name: "stalled for 10 minutes is still pending", kind: "pending", alert: "StripeWebhooksStalled", minutes: 480, input: webhooks(60, 0, 1).map((s) => ({ ...s, values: counter([60, s.series.includes('"failed"') ? 0 : 1], [420, 0]) })), evalAt: "7h11m", expected: [] },
    {
      // With no webhook series at all, increase() returns nothing; the alert must still read it as zero.
      name: "no webhook series at all fires after 15 minutes",
      kind: "fires",
      alert: "StripeWebhooksStalled",
      minutes: 30,
      input: [{ series: activeSubscriptions, values: counter([30, 0]) }],
      evalAt: "20m",
      expected: [stalledExpected],
    },
    // --- SubscriptionCancellationRateHigh: cancellations > 10 % of creations over 1h, for 1h, warning.
    {
      name: "15 cancellations per 100 creations for 90 minutes fire",
      kind: "fires", alert: "SubscriptionCancellationRateHigh",
      minutes: 120,
      input: subscriptions(120, 1, 0.15),
      evalAt: "90m",
      expected: [
        {
          exp_labels: { ...ns, severity: "warning", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "SubscriptionCancellationRateHigh",
            "subscriptions.md",
            8,
            "Subscription cancellations are high",
            `Cancellations in ${f.namespace} are 15% of creations over the last 1 hour, above 10% for 1 hour (only counted when at least 10 subscriptions were created, or 5 were cancelled, in the last 1 hour).`,
          ),
        },
      ],
    },
    { name: "9 cancellations per 100 creations stay quiet", kind: "quiet", alert: "SubscriptionCancellationRateHigh", minutes: 120, input: subscriptions(120, 1, 0.09), evalAt: "90m", expected: [] },
    { name: "15 % for 50 minutes is still pending", kind: "pending", alert: "SubscriptionCancellationRateHigh", minutes: 120, input: subscriptions(120, 1, 0.15), evalAt: "51m", expected: [] },
    { name: "3 of 6 subscriptions an hour cancelled is low traffic: quiet", kind: "low-traffic", alert: "SubscriptionCancellationRateHigh", minutes: 120, input: subscriptions(120, 0.1, 0.05), evalAt: "90m", expected: [] },
    // --- BillingCreditGrantAnomalyDetected: p99 of credits per grant > 1000, for 5m, info.
    {
      // All grants in (1000, 5000]: p99 = 1000 + 4000 × 0.99 = 4960.
      name: "grants of 1000 to 5000 credits fire",
      kind: "fires",
      alert: "BillingCreditGrantAnomalyDetected",
      minutes: 30,
      input: creditGrants(5000, 30),
      evalAt: "15m",
      expected: [
        {
          exp_labels: { ...ns, severity: "info", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "BillingCreditGrantAnomalyDetected",
            "credits.md",
            10,
            "Unusually large credit grants",
            `p99 of credits per grant in ${f.namespace} is 4.96k over the last 1 hour, above 1000 for 5 minutes.`,
          ),
        },
      ],
    },
    // All in (500, 1000]: p99 = 500 + 500 × 0.99 = 995, just under 1000.
    { name: "a p99 of 995 credits stays quiet", kind: "quiet", alert: "BillingCreditGrantAnomalyDetected", minutes: 30, input: creditGrants(1000, 30), evalAt: "15m", expected: [] },
    { name: "large grants for 3 minutes are still pending", kind: "pending", alert: "BillingCreditGrantAnomalyDetected", minutes: 30, input: creditGrants(5000, 30), evalAt: "4m", expected: [] },
    // --- Watchdog: always firing.
    {
      name: "the Watchdog fires with no input at all",
      kind: "fires", alert: "Watchdog",
      minutes: 5,
      input: [],
      evalAt: "1m",
      expected: [
        {
          // The namespace too, though vector(1) has none: prometheus-operator routes an AlertmanagerConfig's alerts by it.
          exp_labels: { ...ns, severity: "none", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "Watchdog",
            "monitoring-pipeline.md",
            12,
            "Alerting pipeline heartbeat",
            `Always firing, so the heartbeat service notices when Prometheus or Alertmanager of ${f.stack} stop delivering.`,
          ),
        },
      ],
    },
    // --- BillingMetricsAbsent: the billing gauge missing for 10m, critical. Present for 20 minutes, then gone.
    {
      name: "billing metrics gone for 15 minutes fire",
      kind: "fires", alert: "BillingMetricsAbsent",
      minutes: 20,
      input: [{ series: activeSubscriptions, values: `${counter([20, 0])} stale` }],
      evalAt: "36m",
      expected: [
        {
          exp_labels: { ...ns, severity: "critical", environment: f.stack, team: "billing" },
          exp_annotations: annotations(
            "BillingMetricsAbsent",
            "monitoring-pipeline.md",
            9,
            "Billing metrics are missing",
            `Prometheus has had no billing metrics from ${f.namespace} for 10 minutes: the app is down, not scraped, or its billing plugin is off. Every other billing alert is blind until this clears.`,
          ),
        },
      ],
    },
    { name: "billing metrics present stay quiet", kind: "quiet", alert: "BillingMetricsAbsent", minutes: 40, input: [{ series: activeSubscriptions, values: counter([40, 0]) }], evalAt: "35m", expected: [] },
    { name: "billing metrics gone for 5 minutes are still pending", kind: "pending", alert: "BillingMetricsAbsent", minutes: 20, input: [{ series: activeSubscriptions, values: `${counter([20, 0])} stale` }], evalAt: "26m", expected: [] },
    ...alertingPipelineCases(f, annotations),
  ];

  const recordCases: RecordCase[] = [
    {
      name: "payment rates by status and the failure ratio",
      input: payments(10, 2, 8),
      evalAt: "10m",
      expr: 'namespace_plan_status_failure_code:rsolv_billing_payment_processed:rate5m{status="failed"}',
      expected: [{ labels: `namespace_plan_status_failure_code:rsolv_billing_payment_processed:rate5m{failure_code="card_declined",namespace="${f.namespace}",plan="pro",status="failed"}`, value: 2 / 60 }],
    },
    {
      name: "payment failure ratio",
      input: payments(10, 2, 8),
      evalAt: "10m",
      expr: "namespace:rsolv_billing_payment_failure:ratio_rate5m",
      expected: [{ labels: `namespace:rsolv_billing_payment_failure:ratio_rate5m{namespace="${f.namespace}"}`, value: 0.2 }],
    },
    {
      name: "webhook failure ratio",
      input: webhooks(10, 5, 15),
      evalAt: "10m",
      expr: "namespace:rsolv_billing_stripe_webhook_failure:ratio_rate5m",
      expected: [{ labels: `namespace:rsolv_billing_stripe_webhook_failure:ratio_rate5m{namespace="${f.namespace}"}`, value: 0.25 }],
    },
    {
      name: "creations and cancellation ratio over the hour",
      input: subscriptions(120, 1, 0.15),
      evalAt: "90m",
      // Within 1e-9 of 15 %: the hour's counts are averages of rates, and 0.15 has no exact binary form.
      expr: "abs(namespace:rsolv_billing_subscription_cancellation:ratio_increase1h - 0.15) < bool 1e-9",
      expected: [{ labels: `{namespace="${f.namespace}"}`, value: 1 }],
    },
    {
      name: "creations over the hour",
      input: subscriptions(120, 1, 0.15),
      evalAt: "90m",
      expr: "namespace:rsolv_billing_subscription_created:increase1h",
      expected: [{ labels: `namespace:rsolv_billing_subscription_created:increase1h{namespace="${f.namespace}"}`, value: 60 }],
    },
  ];
  return { alertCases, recordCases };
}

function testFile(ruleFile: string, alertCases: AlertCase[], recordCases: RecordCase[], order: readonly string[]) {
  return {
    rule_files: [ruleFile],
    evaluation_interval: "1m",
    // Deterministic: producers before readers (test/helpers/traffic.ts, groupOrder).
    group_eval_order: order,
    tests: [
      ...alertCases.map((c) => ({
        name: c.name,
        interval: "1m",
        input_series: c.input,
        alert_rule_test: [{ eval_time: c.evalAt, alertname: c.alert, exp_alerts: c.expected }],
        // Not firing is not enough for a pending case: Prometheus' own ALERTS series must say pending.
        ...(c.kind === "pending" ? { promql_expr_test: [{ expr: `count(ALERTS{alertname="${c.alert}",alertstate="pending"})`, eval_time: c.evalAt, exp_samples: [{ labels: "{}", value: 1 }] }] } : {}),
      })),
      ...recordCases.map((c) => ({
        name: c.name,
        interval: "1m",
        input_series: c.input,
        promql_expr_test: [{ expr: c.expr, eval_time: c.evalAt, exp_samples: c.expected }],
      })),
    ],
  };
}

describe.each(FACTS)("promtool ($release release) on the $stack rule file", (facts) => {
  let work: { dir: string; remove: () => void };
  let ruleFile: { text: string; parsed: RuleFile };
  beforeAll(async () => {
    work = tempDir(`promtool-${facts.stack}-${facts.release}`);
    ruleFile = await deployedRuleFile(facts.stack);
    fs.writeFileSync(path.join(work.dir, "billing-alerts.yml"), ruleFile.text);
  });
  afterAll(() => work.remove());

  it("promtool check rules passes", () => {
    const result = runTool("promtool", ["check", "rules", path.join(work.dir, "billing-alerts.yml")], undefined, facts.release);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("every alert has a firing case, a quiet case and a pending case; ratio alerts a low-traffic case", () => {
    const { alertCases } = cases(facts, ruleFile.parsed);
    // The SLO burn alerts have their own cases, by burn rate: slo-burn.test.ts and real-traffic.test.ts.
    // A case's kind is what promtool checks of it (testFile): a firing case expects alerts, the others none, and a
    // pending case also that the alert is pending.
    for (const c of alertCases) expect({ name: c.name, firing: c.expected.length > 0 }).toEqual({ name: c.name, firing: c.kind === "fires" });
    for (const rule of alerts(ruleFile.parsed).filter((r) => r.labels?.slo === undefined)) {
      const has = (kind: CaseKind) => alertCases.some((c) => c.alert === rule.alert && c.kind === kind);
      const kinds = {
        fires: has("fires"),
        quiet: rule.alert === "Watchdog" || has("quiet"),
        pending: rule.for === "0s" || has("pending"),
        lowTraffic: !/and on/.test(rule.expr) || has("low-traffic"),
      };
      expect({ alert: rule.alert, ...kinds }).toEqual({ alert: rule.alert, fires: true, quiet: true, pending: true, lowTraffic: true });
    }
  });

  it("promtool test rules passes every case", () => {
    const { alertCases, recordCases } = cases(facts, ruleFile.parsed);
    // The pipeline's alerts read only the servers' own series: their cases run on their group alone, which spares
    // promtool evaluating every billing group through their hours of input (they doubled the run otherwise).
    const pipelineAlerts = new Set(alertingPipelineCases(facts, () => ({}) as never).map((c) => c.alert));
    const pipelineGroups = ruleFile.parsed.groups.filter((group) => group.rules.some((rule) => rule.alert && pipelineAlerts.has(rule.alert)));
    const pipelineFile = path.join(work.dir, "pipeline-alerts.yml");
    fs.writeFileSync(pipelineFile, stringify({ groups: pipelineGroups }, { lineWidth: 0 }));
    const runs = [
      { rules: "billing-alerts.yml", alertCases: alertCases.filter((c) => !pipelineAlerts.has(c.alert)), recordCases, order: groupOrder(ruleFile.text) },
      { rules: path.basename(pipelineFile), alertCases: alertCases.filter((c) => pipelineAlerts.has(c.alert)), recordCases: [], order: pipelineGroups.map((group) => group.name) },
    ];
    expect(runs[1].alertCases.length).toBeGreaterThan(0);
    for (const run of runs) {
      const file = path.join(work.dir, `${path.basename(run.rules, ".yml")}.test.yml`);
      fs.writeFileSync(file, stringify(testFile(run.rules, run.alertCases, run.recordCases, run.order), { lineWidth: 0 }));
      const result = runTool("promtool", ["test", "rules", file], work.dir, facts.release);
      expect(result.output).toContain("SUCCESS");
      expect(result.status).toBe(0);
    }
  });

  it("promtool notices a broken expectation (the harness can fail)", () => {
    const { alertCases } = cases(facts, ruleFile.parsed);
    const firing = alertCases.find((c) => c.alert === "BillingPaymentFailureRateHigh" && c.expected.length > 0)!;
    const wrong = { ...firing, expected: [{ ...firing.expected[0], exp_labels: { ...firing.expected[0].exp_labels, severity: "critical" } }] };
    const file = path.join(work.dir, "broken.test.yml");
    fs.writeFileSync(file, stringify(testFile("billing-alerts.yml", [wrong], [], groupOrder(ruleFile.text)), { lineWidth: 0 }));
    const result = runTool("promtool", ["test", "rules", file], work.dir, facts.release);
    expect(result.status).toBe(1);
    expect(result.output).toContain("FAILED");
  });
});
