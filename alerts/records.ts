/**
 * The recorded series: names of the series the billing recording rules write, which both the alerts and the
 * dashboard read. Below both, so neither imports the other for a name.
 *
 * Names follow Prometheus' `level:metric:operations` convention: the labels kept, the catalogue metric (without
 * `_total`), the operation and its window. They are derived from the catalogue, never spelled by hand.
 */
import type { BillingConfig } from "../config";
import { METRICS, type MetricDefinition } from "../promql/metrics";

/** `level:metric:operation`: `namespace_status:rsolv_billing_payment_processed:rate5m`. */
export function recordName(level: readonly string[], metric: MetricDefinition | string, operation: string): string {
  const name = typeof metric === "string" ? metric : metric.name.replace(/_total$/, "");
  return `${level.join("_")}:${name}:${operation}`;
}

/** The series every aggregation keeps, so alerts say which app they are about. */
export const BY_NAMESPACE = ["namespace"] as const;

/** The labels the payment rate keeps: enough for the success gauge by plan and the failure-code panel. */
export const PAYMENT_LABELS = ["namespace", "plan", "status", "failure_code"] as const;
export const WEBHOOK_LABELS = ["namespace", "status"] as const;
export const SUBSCRIPTION_LABELS = ["namespace", "plan", "status"] as const;
export const USAGE_LABELS = ["namespace", "plan"] as const;

export function records(cfg: BillingConfig) {
  const rate = `rate${cfg.rateWindow.text}`;
  const cancellation = `increase${cfg.cancellationWindow.text}`;
  return {
    /** Payments per second over the rate window, new series counted. */
    payments: recordName(PAYMENT_LABELS, METRICS.paymentProcessed, rate),
    /** Failed payments / all payments, by namespace. */
    paymentFailureRatio: recordName(BY_NAMESPACE, "rsolv_billing_payment_failure", `ratio_${rate}`),
    /** Webhooks per second, by namespace and status. */
    webhooks: recordName(WEBHOOK_LABELS, METRICS.webhookReceived, rate),
    webhookFailureRatio: recordName(BY_NAMESPACE, "rsolv_billing_stripe_webhook_failure", `ratio_${rate}`),
    /** Subscriptions created per second over the rate window, by plan and status (the creation panel). */
    subscriptionsCreated: recordName(SUBSCRIPTION_LABELS, METRICS.subscriptionCreated, rate),
    /** Creations and cancellations per second over the rate window, by namespace. */
    createdRate: recordName(BY_NAMESPACE, METRICS.subscriptionCreated, rate),
    cancelledRate: recordName(BY_NAMESPACE, METRICS.subscriptionCancelled, rate),
    /** Creations and cancellations over the cancellation window, by namespace. */
    creations: recordName(BY_NAMESPACE, METRICS.subscriptionCreated, cancellation),
    cancellations: recordName(BY_NAMESPACE, METRICS.subscriptionCancelled, cancellation),
    cancellationRatio: recordName(BY_NAMESPACE, "rsolv_billing_subscription_cancellation", `ratio_${cancellation}`),
    /** Fixes consumed per second over the rate window, by plan. */
    fixesConsumed: recordName(USAGE_LABELS, METRICS.fixesConsumed, rate),
  };
}

export type Records = ReturnType<typeof records>;
