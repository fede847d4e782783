/** Subscriptions: cancellations as a share of creations. */
import { describeDuration } from "../duration";
import { METRICS } from "../metrics";
import { increase, recorded, select, sumBy } from "../promql";
import { annotations, labels, lowTrafficNote, percent, ratioAlert, RUNBOOKS, type RuleContext } from "./common";
import type { RuleGroup } from "./types";

export function subscriptionRecords(ctx: RuleContext) {
  const window = ctx.cfg.thresholds.cancellation.window.text;
  return {
    /** Cancellations / creations over the cancellation window, by namespace. */
    cancellationRatio: `namespace:rsolv_billing_subscription_cancellation:ratio_increase${window}`,
    /** Creations over the cancellation window, by namespace: the low-traffic guard's volume. */
    creations: `namespace:${METRICS.subscriptionCreated.name.replace(/_total$/, "")}:increase${window}`,
  };
}

export function subscriptionsGroup(ctx: RuleContext): RuleGroup {
  const { cancellation } = ctx.cfg.thresholds;
  const records = subscriptionRecords(ctx);
  const window = cancellation.window;
  return {
    name: "billing-subscriptions",
    interval: ctx.cfg.monitoring.ruleEvaluationInterval,
    rules: [
      { record: records.creations, expr: sumBy(ctx.by, increase(select(METRICS.subscriptionCreated, ctx.app), window.text)) },
      {
        record: records.cancellationRatio,
        expr: `${sumBy(ctx.by, increase(select(METRICS.subscriptionCancelled, ctx.app), window.text))}\n/\n${recorded(records.creations, ctx.app)}`,
      },
      ratioAlert(ctx, {
        alert: "SubscriptionCancellationRateHigh",
        ratio: recorded(records.cancellationRatio, ctx.app),
        eventsInWindow: recorded(records.creations, ctx.app),
        threshold: cancellation.ratio,
        for: cancellation.for,
        labels: labels(ctx, "warning"),
        annotations: annotations(
          ctx,
          "SubscriptionCancellationRateHigh",
          {
            summary: "Subscription cancellations are high",
            description:
              `Cancellations in {{ $labels.namespace }} are {{ $value | humanizePercentage }} of creations over the last ${describeDuration(window)}, ` +
              `above ${percent(cancellation.ratio)} for ${describeDuration(cancellation.for)} ${lowTrafficNote(ctx, window, "subscriptions were created")}.`,
            action: [
              "Break cancellations down by reason on the dashboard; a payment_failed reason points at the payments runbook.",
              "Check for a recent pricing, plan or checkout change.",
              "Tell the product owner; this alert is about customers, not an outage.",
            ],
          },
          RUNBOOKS.subscriptions,
          "cancellationRate",
        ),
      }),
    ],
  };
}
