/**
 * The billing alerts written naively, as the benchmark's baseline: the same conditions, thresholds and windows,
 * but every alert computes its own rates over the raw series, with no recording rules shared between alerts.
 * Comparing its evaluation cost with the real rule file measures what the recording rules save.
 */
import { ruleContext } from "../../alerts/common";
import { creditsGroup } from "../../alerts/credits";
import { metaGroup } from "../../alerts/meta";
import { type AlertRule, isAlertRule, type RuleGroup } from "../../alerts/types";
import { webhooksGroup } from "../../alerts/webhooks";
import type { BillingConfig } from "../../config";
import { METRICS, type MetricDefinition } from "../../metrics";
import { increase, literal, type Matchers, rate, select, sumBy } from "../../promql";
import { buildRuleGroups } from "../../alerts";

/** failed / all over the window, the guard on all, each computed from the raw counter. */
function naiveRatio(metric: MetricDefinition, app: Matchers, window: string, windowSeconds: number, threshold: number, minEvents: number): string {
  const all = sumBy(["namespace"], rate(select(metric, app), window));
  const failed = sumBy(["namespace"], rate(select(metric, { ...app, status: "failed" }), window));
  return `${failed} / ${all} > ${literal(threshold)}\nand on (namespace)\n${all} * ${windowSeconds} >= ${minEvents}`;
}

export function naiveRuleGroups(cfg: BillingConfig): RuleGroup[] {
  const ctx = ruleContext(cfg);
  const t = cfg.thresholds;
  const real = new Map(buildRuleGroups(cfg).flatMap((group) => group.rules.filter(isAlertRule)).map((rule) => [rule.alert, rule]));
  const withExpr = (alert: string, expr: string): AlertRule => ({ ...real.get(alert)!, expr });
  const cancellations = sumBy(["namespace"], increase(select(METRICS.subscriptionCancelled, ctx.app), t.cancellation.window.text));
  const creations = sumBy(["namespace"], increase(select(METRICS.subscriptionCreated, ctx.app), t.cancellation.window.text));
  const interval = cfg.monitoring.ruleEvaluationInterval;
  return [
    {
      name: "billing-payments",
      interval,
      rules: [
        withExpr("BillingPaymentFailureRateHigh", naiveRatio(METRICS.paymentProcessed, ctx.app, ctx.window, t.rateWindow.seconds, t.paymentFailureWarning.ratio, t.minEventsPerWindow)),
        withExpr("BillingPaymentFailureRateCritical", naiveRatio(METRICS.paymentProcessed, ctx.app, ctx.window, t.rateWindow.seconds, t.paymentFailureCritical.ratio, t.minEventsPerWindow)),
      ],
    },
    {
      name: "billing-stripe-webhooks",
      interval,
      rules: [
        withExpr("StripeWebhookFailureRateHigh", naiveRatio(METRICS.webhookReceived, ctx.app, ctx.window, t.rateWindow.seconds, t.webhookFailure.ratio, t.minEventsPerWindow)),
        ...webhooksGroup(ctx).rules.filter((rule) => isAlertRule(rule) && rule.alert !== "StripeWebhookFailureRateHigh"),
      ],
    },
    {
      name: "billing-subscriptions",
      interval,
      rules: [withExpr("SubscriptionCancellationRateHigh", `${cancellations} / ${creations} > ${literal(t.cancellation.ratio)}\nand on (namespace)\n${creations} >= ${t.minEventsPerWindow}`)],
    },
    creditsGroup(ctx),
    metaGroup(ctx),
  ];
}
