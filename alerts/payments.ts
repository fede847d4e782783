/** Payment processing: failure ratio, warning and critical. */
import { describeDuration } from "../common/duration";
import { percent } from "../common/format";
import { METRICS } from "../promql/metrics";
import { PAYMENT_LABELS } from "./records";
import { annotations, labels, lowTrafficNote, outcomeRatio, ratioAlert, RUNBOOKS, type RuleContext } from "./common";
import type { RuleGroup } from "./types";

/** Family label shared by the warning and the critical alert, so the critical inhibits the warning. */
export const PAYMENT_FAILURE_FAMILY = "billing-payment-failure-rate";

/** The payment page; where it can judge, the payment SLO's page stands down (alerts/slo.ts). */
export const PAYMENT_FAILURE_CRITICAL = "BillingPaymentFailureRateCritical";

export function paymentsGroup(ctx: RuleContext): RuleGroup {
  const records = ctx.records;
  const outcomes = outcomeRatio(ctx, METRICS.paymentProcessed, PAYMENT_LABELS, { rate: records.payments, ratio: records.paymentFailureRatio });
  const guard = lowTrafficNote(ctx, ctx.cfg.rateWindow, "payments were processed", "failed");
  return {
    name: "billing-payments",
    interval: ctx.cfg.ruleEvaluationInterval,
    rules: [
      ...outcomes.rules,
      ratioAlert(ctx, {
        alert: "BillingPaymentFailureRateHigh",
        ratio: outcomes.ratio,
        events: outcomes.events,
        failures: outcomes.failures,
        watched: { ...outcomes.watched, window: ctx.cfg.rateWindow },
        threshold: ctx.cfg.paymentFailureWarningRatio,
        for: ctx.cfg.paymentFailureWarningFor,
        labels: labels(ctx, "warning", PAYMENT_FAILURE_FAMILY),
        annotations: annotations(
          ctx,
          {
            summary: "Payment failure rate is high",
            description:
              `{{ $value | humanizePercentage }} of payments in {{ $labels.namespace }} failed over the last ${describeDuration(ctx.cfg.rateWindow)}, ` +
              `above ${percent(ctx.cfg.paymentFailureWarningRatio)} for ${describeDuration(ctx.cfg.paymentFailureWarningFor)} ${guard}.`,
            action: [
              "Open the dashboard's Failed Payments by Reason panel: one dominant failure code points at its cause.",
              "Check the Stripe status page and the Stripe dashboard's failed payments list.",
              "Follow the runbook's immediate steps; escalate if the rate keeps rising.",
            ],
          },
          RUNBOOKS.payments,
          "failedPaymentsByReason",
        ),
      }),
      ratioAlert(ctx, {
        alert: PAYMENT_FAILURE_CRITICAL,
        ratio: outcomes.ratio,
        events: outcomes.events,
        failures: outcomes.failures,
        watched: { ...outcomes.watched, window: ctx.cfg.rateWindow },
        threshold: ctx.cfg.paymentFailureCriticalRatio,
        for: ctx.cfg.paymentFailureCriticalFor,
        labels: labels(ctx, "critical", PAYMENT_FAILURE_FAMILY),
        annotations: annotations(
          ctx,
          {
            summary: "Payment failure rate is critical",
            description:
              `{{ $value | humanizePercentage }} of payments in {{ $labels.namespace }} failed over the last ${describeDuration(ctx.cfg.rateWindow)}, ` +
              `above ${percent(ctx.cfg.paymentFailureCriticalRatio)} for ${describeDuration(ctx.cfg.paymentFailureCriticalFor)} ${guard}. Revenue is being lost.`,
            action: [
              "Acknowledge within 15 minutes and post in the incident channel.",
              "Check the Stripe status page and the app's recent deploys: roll back a deploy that coincides with the rise.",
              "Read the top failure codes on the dashboard; card_declined alone is customers, api_error or rate_limit is us or Stripe.",
              "Follow the runbook; escalate to the billing lead if not mitigated in 30 minutes.",
            ],
          },
          RUNBOOKS.payments,
          "failedPaymentsByReason",
        ),
      }),
    ],
  };
}
