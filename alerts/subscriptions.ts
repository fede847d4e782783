/** Subscriptions: cancellations as a share of creations. */
import { describeDuration } from "../common/duration";
import { percent } from "../common/format";
import { METRICS } from "../promql/metrics";
import { countIn, perSecond, recorded, select, sumBy } from "../promql/index";
import { SUBSCRIPTION_LABELS } from "./records";
import { annotations, labels, lowTrafficNote, ratioAlert, RUNBOOKS, type RuleContext } from "./common";
import type { RuleGroup } from "./types";

export function subscriptionsGroup(ctx: RuleContext): RuleGroup {
  const records = ctx.records;
  const window = ctx.cfg.cancellationWindow;
  return {
    name: "billing-subscriptions",
    interval: ctx.cfg.ruleEvaluationInterval,
    rules: [
      // The dashboard's creation panel, by plan and initial status.
      { record: records.subscriptionsCreated, expr: perSecond(sumBy(SUBSCRIPTION_LABELS, countIn(select(METRICS.subscriptionCreated, ctx.app), ctx.window)), ctx.cfg.rateWindow) },
      // The hour's counts come from the rates over the rate window, averaged over the hour: a range of an hour over
      // the raw series (one per customer) at every evaluation would cost several times all the other rules.
      { record: records.createdRate, expr: sumBy(ctx.by, recorded(records.subscriptionsCreated, ctx.app)) },
      { record: records.cancelledRate, expr: perSecond(sumBy(ctx.by, countIn(select(METRICS.subscriptionCancelled, ctx.app), ctx.window)), ctx.cfg.rateWindow) },
      { record: records.creations, expr: `avg_over_time(${recorded(records.createdRate, ctx.app)}[${window.text}]) * ${window.seconds}` },
      // `or … * 0`: no cancellation series at all is zero cancellations, not no ratio.
      {
        record: records.cancellations,
        expr: `avg_over_time(${recorded(records.cancelledRate, ctx.app)}[${window.text}]) * ${window.seconds}\nor\n${recorded(records.creations, ctx.app)} * 0`,
      },
      { record: records.cancellationRatio, expr: `${recorded(records.cancellations, ctx.app)}\n/\n${recorded(records.creations, ctx.app)}` },
      ratioAlert(ctx, {
        alert: "SubscriptionCancellationRateHigh",
        ratio: recorded(records.cancellationRatio, ctx.app),
        events: recorded(records.creations, ctx.app),
        failures: recorded(records.cancellations, ctx.app),
        // Cancellations counted apart from the creations they are a share of.
        watched: { failures: { metric: METRICS.subscriptionCancelled, matchers: {} }, events: { metric: METRICS.subscriptionCreated, matchers: {} }, window },
        threshold: ctx.cfg.cancellationRatio,
        for: ctx.cfg.cancellationFor,
        labels: labels(ctx, "warning"),
        annotations: annotations(
          ctx,
          {
            summary: "Subscription cancellations are high",
            description:
              `Cancellations in {{ $labels.namespace }} are {{ $value | humanizePercentage }} of creations over the last ${describeDuration(window)}, ` +
              `above ${percent(ctx.cfg.cancellationRatio)} for ${describeDuration(ctx.cfg.cancellationFor)} ${lowTrafficNote(ctx, window, "subscriptions were created", "were cancelled")}.`,
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
