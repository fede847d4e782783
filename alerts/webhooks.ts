/** Stripe webhooks: failure ratio, processing time, and silence. */
import { describeDuration } from "../common/duration";
import { percent } from "../common/format";
import { METRICS } from "../promql/metrics";
import { countIn, histogramQuantile, literal, select, sumBy } from "../promql/index";
import { WEBHOOK_LABELS } from "./records";
import { alertRule, annotations, labels, lowTrafficNote, outcomeRatio, ratioAlert, RUNBOOKS, type RuleContext } from "./common";
import type { RuleGroup } from "./types";

/** Name of the alert that Alertmanager only notifies during business hours. */
export const WEBHOOKS_STALLED = "StripeWebhooksStalled";

export function webhooksGroup(ctx: RuleContext): RuleGroup {
  const records = ctx.records;
  const stalledWindow = ctx.cfg.webhookStalledWindow;
  const outcomes = outcomeRatio(ctx, METRICS.webhookReceived, WEBHOOK_LABELS, { rate: records.webhooks, ratio: records.webhookFailureRatio });
  return {
    name: "billing-stripe-webhooks",
    interval: ctx.cfg.ruleEvaluationInterval,
    rules: [
      ...outcomes.rules,
      ratioAlert(ctx, {
        alert: "StripeWebhookFailureRateHigh",
        ratio: outcomes.ratio,
        events: outcomes.events,
        failures: outcomes.failures,
        watched: { ...outcomes.watched, window: ctx.cfg.rateWindow },
        threshold: ctx.cfg.webhookFailureRatio,
        for: ctx.cfg.webhookFailureFor,
        labels: labels(ctx, "warning"),
        annotations: annotations(
          ctx,
          {
            summary: "Stripe webhook failure rate is high",
            description:
              `{{ $value | humanizePercentage }} of Stripe webhooks in {{ $labels.namespace }} failed over the last ${describeDuration(ctx.cfg.rateWindow)}, ` +
              `above ${percent(ctx.cfg.webhookFailureRatio)} for ${describeDuration(ctx.cfg.webhookFailureFor)} ${lowTrafficNote(ctx, ctx.cfg.rateWindow, "webhooks were received", "failed")}. ` +
              "Stripe retries failed deliveries for up to 3 days, but subscription state lags until they succeed.",
            action: [
              "Check the app logs for webhook_controller errors and the Stripe dashboard's webhook delivery attempts.",
              "Verify the webhook signing secret matches the endpoint's in Stripe.",
              "Follow the runbook; after the fix, reconcile events that exhausted their retries.",
            ],
          },
          RUNBOOKS.webhooks,
          "webhookHealth",
        ),
      }),
      alertRule({
        alert: "StripeWebhookProcessingDurationHigh",
        // Quantiles of counts equal quantiles of rates; counting sees the buckets of a new series too.
        expr: `${histogramQuantile(0.95, sumBy(["namespace", "le"], countIn(select(METRICS.webhookDuration, ctx.app, "bucket"), ctx.window)))} > ${literal(ctx.cfg.webhookDurationP95Seconds)}`,
        for: ctx.cfg.webhookDurationFor,
        watch: { kind: "quantile", metric: METRICS.webhookDuration, quantile: 0.95, window: ctx.cfg.rateWindow, threshold: ctx.cfg.webhookDurationP95Seconds },
        labels: labels(ctx, "warning"),
        annotations: annotations(
          ctx,
          {
            summary: "Stripe webhook processing is slow",
            description:
              `p95 Stripe webhook processing time in {{ $labels.namespace }} is {{ $value | humanizeDuration }} over the last ${describeDuration(ctx.cfg.rateWindow)}, ` +
              `above ${ctx.cfg.webhookDurationP95Seconds}s for ${describeDuration(ctx.cfg.webhookDurationFor)}. A handler slower than Stripe's delivery timeout counts as failed and is retried.`,
            action: [
              "Check database latency and the app's pool queue time for the webhook handlers.",
              "Look for a slow event type in the dashboard's Stripe Webhooks panel.",
              "Follow the runbook if deliveries start timing out.",
            ],
          },
          RUNBOOKS.webhooks,
          "webhookHealth",
        ),
      }),
      alertRule({
        alert: WEBHOOKS_STALLED,
        // `or vector(0)`: with no webhook series at all the count is empty, which must read as zero, not as "no data".
        // Counting sees a webhook that created its series: increase() alone would call a lone new webhook a stall.
        expr: `(${sumBy([], countIn(select(METRICS.webhookReceived, ctx.app), stalledWindow.text))} or vector(0)) == 0`,
        for: ctx.cfg.webhookStalledFor,
        watch: { kind: "silence", metric: METRICS.webhookReceived, window: stalledWindow },
        labels: labels(ctx, "info"),
        annotations: annotations(
          ctx,
          {
            summary: "No Stripe webhooks received",
            description:
              `No Stripe webhook reached ${ctx.cfg.appNamespace} in the last ${describeDuration(stalledWindow)}. ` +
              "Notified during business hours only; outside them the alert waits in Alertmanager.",
            action: [
              "Check the webhook endpoint's status in the Stripe dashboard (disabled endpoints stop all deliveries).",
              "Check that the ingress route for /webhooks/stripe answers.",
              "Follow the runbook to replay missed events.",
            ],
          },
          RUNBOOKS.webhooks,
          "webhookHealth",
        ),
      }),
    ],
  };
}
