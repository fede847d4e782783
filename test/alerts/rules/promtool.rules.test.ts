/**
 * `promtool test rules` on the rule file each stack deploys: every alert fires on the failure it names (exact labels
 * and annotations), stays quiet just under its threshold, stays pending while the condition is shorter than its
 * `for`, and ratio alerts stay quiet on low traffic. Recording rules are checked by value. The cases are made from
 * what each alert declares it watches (test/helpers/alert-cases.ts) around each stack's own thresholds (stackConfig),
 * so a stack file's change is tested where it is made, and a new alert brings its cases.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { stringify } from "yaml";

import { METRICS } from "../../../promql/metrics";
import { alerts, deployedRuleFile, type RuleFile } from "../../helpers/rule-file";
import type { Release } from "../../../tools/servers";
import { runTool, tempDir } from "../../helpers/tools";
import { groupOrder } from "../../helpers/traffic";
import type { BillingConfig } from "../../../config";
import { alertRules, buildRuleGroups } from "../../../alerts";
import { casesFromWatch, renderedDescription } from "../../helpers/alert-cases";
import { type AlertCase, type Annotate, type CaseKind, counter, humanize, humanizeDuration, humanizePercentage, type InputSeries, inWords, type Labels, series, type StackFacts, thresholdPercent } from "../../helpers/promtool-cases";
import { stackConfig } from "../../helpers/stack";
import { alertingPipelineCases } from "./alerting-pipeline-cases";

// ---------------------------------------------------------------------------------------------------------------------
// What each stack's alerts must say. The thresholds, `for`s and windows are each stack's own, read from its committed
// stack file as the program parses it (test/helpers/stack.ts, stackConfig): a threshold changed there moves the cases
// with it. The inputs are built around them, and the prose is written out here from the formats' documentation.

// Both stacks' rule files, each on both ends of the supported range of promtool: the current release and the oldest
// (Debian 12's 2.42).
const FACTS: (StackFacts & { readonly release: Release })[] = (["current", "oldest"] as const).flatMap((release) =>
  ["production", "staging"].map((stack) => {
    const config = stackConfig(stack);
    return { stack, namespace: config.appNamespace, dashboardUid: config.dashboardUid, release };
  }),
);

interface RecordCase {
  readonly name: string;
  readonly input: InputSeries[];
  readonly evalAt: string;
  readonly expr: string;
  readonly expected: { labels: string; value: number }[];
}

/**
 * What each alert of the seed must say when it fires at `value`, written out here from the stack's config (not taken
 * from the rules): its severity and family, runbook and panel, summary and description. An alert without an entry
 * (a new one) is checked against its own labels and its description as Prometheus renders it.
 */
interface Said {
  readonly severity: string;
  readonly family?: string;
  readonly runbook: string;
  readonly panel: number;
  readonly summary: string;
  readonly description: (value: number) => string;
}

function said(f: StackFacts, cfg: BillingConfig): Readonly<Record<string, Said>> {
  const rate = inWords(cfg.rateWindow);
  const guard = (what: string, failedWhat: string, window: string) => `(only counted when at least ${cfg.minEventsPerWindow} ${what}, or ${cfg.minFailuresPerWindow} ${failedWhat}, in the last ${window})`;
  const payment = (threshold: number, holdFor: { text: string }, tail: string) => (value: number) =>
    `${humanizePercentage(value)} of payments in ${f.namespace} failed over the last ${rate}, above ${thresholdPercent(threshold)} for ${inWords(holdFor)} ${guard("payments were processed", "failed", rate)}.${tail}`;
  const family = "billing-payment-failure-rate";
  return {
    BillingPaymentFailureRateHigh: { severity: "warning", family, runbook: "payment-failures.md", panel: 7, summary: "Payment failure rate is high", description: payment(cfg.paymentFailureWarningRatio, cfg.paymentFailureWarningFor, "") },
    BillingPaymentFailureRateCritical: { severity: "critical", family, runbook: "payment-failures.md", panel: 7, summary: "Payment failure rate is critical", description: payment(cfg.paymentFailureCriticalRatio, cfg.paymentFailureCriticalFor, " Revenue is being lost.") },
    StripeWebhookFailureRateHigh: {
      severity: "warning",
      runbook: "stripe-webhook-failures.md",
      panel: 11,
      summary: "Stripe webhook failure rate is high",
      description: (value) =>
        `${humanizePercentage(value)} of Stripe webhooks in ${f.namespace} failed over the last ${rate}, above ${thresholdPercent(cfg.webhookFailureRatio)} for ${inWords(cfg.webhookFailureFor)} ${guard("webhooks were received", "failed", rate)}. Stripe retries failed deliveries for up to 3 days, but subscription state lags until they succeed.`,
    },
    StripeWebhookProcessingDurationHigh: {
      severity: "warning",
      runbook: "stripe-webhook-failures.md",
      panel: 11,
      summary: "Stripe webhook processing is slow",
      description: (value) =>
        `p95 Stripe webhook processing time in ${f.namespace} is ${humanizeDuration(value)} over the last ${rate}, above ${cfg.webhookDurationP95Seconds}s for ${inWords(cfg.webhookDurationFor)}. A handler slower than Stripe's delivery timeout counts as failed and is retried.`,
    },
    StripeWebhooksStalled: {
      severity: "info",
      runbook: "stripe-webhook-failures.md",
      panel: 11,
      summary: "No Stripe webhooks received",
      description: () => `No Stripe webhook reached ${f.namespace} in the last ${inWords(cfg.webhookStalledWindow)}. Notified during business hours only; outside them the alert waits in Alertmanager.`,
    },
    SubscriptionCancellationRateHigh: {
      severity: "warning",
      runbook: "subscriptions.md",
      panel: 8,
      summary: "Subscription cancellations are high",
      description: (value) =>
        `Cancellations in ${f.namespace} are ${humanizePercentage(value)} of creations over the last ${inWords(cfg.cancellationWindow)}, above ${thresholdPercent(cfg.cancellationRatio)} for ${inWords(cfg.cancellationFor)} ${guard("subscriptions were created", "were cancelled", inWords(cfg.cancellationWindow))}.`,
    },
    BillingCreditGrantAnomalyDetected: {
      severity: "info",
      runbook: "credits.md",
      panel: 10,
      summary: "Unusually large credit grants",
      description: (value) => `p99 of credits per grant in ${f.namespace} is ${humanize(value)} over the last ${inWords(cfg.creditGrantWindow)}, above ${cfg.creditGrantP99Threshold} for ${inWords(cfg.creditGrantFor)}.`,
    },
    // The namespace too, though vector(1) has none: prometheus-operator routes an AlertmanagerConfig's alerts by it.
    Watchdog: { severity: "none", runbook: "monitoring-pipeline.md", panel: 12, summary: "Alerting pipeline heartbeat", description: () => `Always firing, so the heartbeat service notices when Prometheus or Alertmanager of ${cfg.environment} stop delivering.` },
    BillingMetricsAbsent: {
      severity: "critical",
      runbook: "monitoring-pipeline.md",
      panel: 9,
      summary: "Billing metrics are missing",
      description: () => `Prometheus has had no billing metrics from ${f.namespace} for ${inWords(cfg.metricsAbsentFor)}: the app is down, not scraped, or its billing plugin is off. Every other billing alert is blind until this clears.`,
    },
  };
}

function cases(f: StackFacts, cfg: BillingConfig, file: RuleFile): { alertCases: AlertCase[]; recordCases: RecordCase[] } {
  const ns = { namespace: f.namespace };
  const action = (alert: string): string => alerts(file).find((rule) => rule.alert === alert)!.annotations!.action; // static prose
  const annotations: Annotate = (alert, runbook, panel, summary, description) => ({
    action: action(alert),
    dashboard_url: `${cfg.grafanaUrl}/d/${f.dashboardUid}?viewPanel=${panel}`,
    description,
    runbook_url: `${cfg.runbookBaseUrl}/${runbook}#${alert.toLowerCase()}`,
    summary,
  });
  const seed = said(f, cfg);
  // Every alert that declares what it watches gets its cases from that declaration (test/helpers/alert-cases.ts).
  const alertCases: AlertCase[] = [
    ...alertRules(buildRuleGroups(cfg)).flatMap((rule) =>
      casesFromWatch(rule, cfg, (value) => {
        const known = seed[rule.alert];
        if (!known) return { exp_labels: { ...(rule.labels as Labels) }, exp_annotations: { ...rule.annotations, description: renderedDescription(rule, f.namespace, value) } };
        return {
          exp_labels: { ...ns, severity: known.severity, ...(known.family ? { family: known.family } : {}), environment: cfg.environment, team: cfg.teamLabel },
          exp_annotations: annotations(rule.alert, known.runbook, known.panel, known.summary, known.description(value)),
        };
      }),
    ),
    ...alertingPipelineCases(f, cfg, annotations),
  ];

  const payment = (status: string) => series(METRICS.paymentProcessed.name, { ...ns, plan: "pro", payment_method: "card", status, failure_code: status === "failed" ? "card_declined" : "none", customer_id: "cus_1" });
  const payments = (minutes: number, failedPerMinute: number, succeededPerMinute: number): InputSeries[] => [
    { series: payment("failed"), values: counter([minutes, failedPerMinute]) },
    { series: payment("succeeded"), values: counter([minutes, succeededPerMinute]) },
  ];
  const webhook = (status: string) => series(METRICS.webhookReceived.name, { ...ns, event_type: "invoice.paid", status });
  const webhooks = (minutes: number, failedPerMinute: number, succeededPerMinute: number): InputSeries[] => [
    { series: webhook("failed"), values: counter([minutes, failedPerMinute]) },
    { series: webhook("succeeded"), values: counter([minutes, succeededPerMinute]) },
  ];
  const subscriptions = (minutes: number, createdPerMinute: number, cancelledPerMinute: number): InputSeries[] => [
    { series: series(METRICS.subscriptionCreated.name, { ...ns, plan: "pro", status: "active", customer_id: "cus_1" }), values: counter([minutes, createdPerMinute]) },
    { series: series(METRICS.subscriptionCancelled.name, { ...ns, plan: "pro", reason: "too_expensive", customer_id: "cus_1" }), values: counter([minutes, cancelledPerMinute]) },
  ];
  const windowMinutes = (window: { seconds: number }) => window.seconds / 60;
  // Recorded series are named by their windows (rate5m, increase1h): the stack's own.
  const rateSuffix = `rate${cfg.rateWindow.text}`;
  const recordCases: RecordCase[] = [
    {
      name: "payment rates by status and the failure ratio",
      input: payments(10, 2, 8),
      evalAt: "10m",
      expr: `namespace_plan_status_failure_code:rsolv_billing_payment_processed:${rateSuffix}{status="failed"}`,
      expected: [{ labels: `namespace_plan_status_failure_code:rsolv_billing_payment_processed:${rateSuffix}{failure_code="card_declined",namespace="${f.namespace}",plan="pro",status="failed"}`, value: 2 / 60 }],
    },
    {
      name: "payment failure ratio",
      input: payments(10, 2, 8),
      evalAt: "10m",
      expr: `namespace:rsolv_billing_payment_failure:ratio_${rateSuffix}`,
      expected: [{ labels: `namespace:rsolv_billing_payment_failure:ratio_${rateSuffix}{namespace="${f.namespace}"}`, value: 0.2 }],
    },
    {
      name: "webhook failure ratio",
      input: webhooks(10, 5, 15),
      evalAt: "10m",
      expr: `namespace:rsolv_billing_stripe_webhook_failure:ratio_${rateSuffix}`,
      expected: [{ labels: `namespace:rsolv_billing_stripe_webhook_failure:ratio_${rateSuffix}{namespace="${f.namespace}"}`, value: 0.25 }],
    },
    {
      name: "creations and cancellation ratio over the window",
      input: subscriptions(120, 1, 0.15),
      evalAt: "90m",
      // Within 1e-9 of 15 %: the window's counts are averages of rates, and 0.15 has no exact binary form.
      expr: `abs(namespace:rsolv_billing_subscription_cancellation:ratio_increase${cfg.cancellationWindow.text} - 0.15) < bool 1e-9`,
      expected: [{ labels: `{namespace="${f.namespace}"}`, value: 1 }],
    },
    {
      name: "creations over the window",
      input: subscriptions(120, 1, 0.15),
      evalAt: "90m",
      expr: `namespace:rsolv_billing_subscription_created:increase${cfg.cancellationWindow.text}`,
      expected: [{ labels: `namespace:rsolv_billing_subscription_created:increase${cfg.cancellationWindow.text}{namespace="${f.namespace}"}`, value: Math.min(90, windowMinutes(cfg.cancellationWindow)) }],
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
    const { alertCases } = cases(facts, stackConfig(facts.stack), ruleFile.parsed);
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
    const { alertCases, recordCases } = cases(facts, stackConfig(facts.stack), ruleFile.parsed);
    // The pipeline's alerts read only the servers' own series: their cases run on their group alone, which spares
    // promtool evaluating every billing group through their hours of input (they doubled the run otherwise).
    const pipelineAlerts = new Set(alertingPipelineCases(facts, stackConfig(facts.stack), () => ({}) as never).map((c) => c.alert));
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
    const { alertCases } = cases(facts, stackConfig(facts.stack), ruleFile.parsed);
    const firing = alertCases.find((c) => c.alert === "BillingPaymentFailureRateHigh" && c.expected.length > 0)!;
    const wrong = { ...firing, expected: [{ ...firing.expected[0], exp_labels: { ...firing.expected[0].exp_labels, severity: "critical" } }] };
    const file = path.join(work.dir, "broken.test.yml");
    fs.writeFileSync(file, stringify(testFile("billing-alerts.yml", [wrong], [], groupOrder(ruleFile.text)), { lineWidth: 0 }));
    const result = runTool("promtool", ["test", "rules", file], work.dir, facts.release);
    expect(result.status).toBe(1);
    expect(result.output).toContain("FAILED");
  });
});
