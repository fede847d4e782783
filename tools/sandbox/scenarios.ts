/**
 * Scenarios of the billing metrics simulator: the traffic each one produces, derived from the thresholds of the
 * config in use so that every scenario crosses its threshold by a margin (and healthy stays below all of them by
 * one), and the alerts each one is expected to fire.
 */
import type { BillingConfig } from "../../config";

export const SCENARIOS = [
  "healthy",
  "payment-failures-warning",
  "payment-failures-critical",
  "webhook-failures",
  "webhook-slow",
  "webhooks-stalled",
  "cancellation-spike",
  "credit-anomaly",
  "target-down",
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

/** What the simulated app does per second while a scenario runs. */
export interface Traffic {
  /** False: the metrics endpoint is not served at all (the scrape target is down). */
  readonly up: boolean;
  readonly paymentsPerSecond: number;
  readonly paymentFailureRatio: number;
  readonly webhooksPerSecond: number;
  readonly webhookFailureRatio: number;
  /** Processing time of every webhook, in seconds. */
  readonly webhookSeconds: number;
  readonly subscriptionsPerSecond: number;
  /** Cancellations per creation. */
  readonly cancellationRatio: number;
  readonly creditGrantsPerSecond: number;
  /** Share of grants that are anomalously large. */
  readonly largeGrantShare: number;
  readonly grantCredits: number;
  readonly largeGrantCredits: number;
}

/** How far a healthy value stays below its threshold, and how far beyond it a failing one goes. */
const HEALTHY_FRACTION = 0.25;
const FAILING_FACTOR = 3;
/** Traffic volume, as a multiple of the low-traffic guard's minimum, so the guard never decides a scenario. */
const GUARD_MARGIN = 3;

/** A ratio FAILING_FACTOR times the threshold, kept below 1 (halfway to it when the threshold is that high). */
const failingRatio = (threshold: number): number => Math.min(threshold * FAILING_FACTOR, (threshold + 1) / 2);

/** The traffic of a scenario under a config. */
export function traffic(cfg: BillingConfig, scenario: ScenarioName): Traffic {
  const guardedRate = (windowSeconds: number): number => (GUARD_MARGIN * cfg.minEventsPerWindow) / windowSeconds;
  const healthy: Traffic = {
    up: true,
    paymentsPerSecond: guardedRate(cfg.rateWindow.seconds),
    paymentFailureRatio: cfg.paymentFailureWarningRatio * HEALTHY_FRACTION,
    webhooksPerSecond: guardedRate(cfg.rateWindow.seconds),
    webhookFailureRatio: cfg.webhookFailureRatio * HEALTHY_FRACTION,
    webhookSeconds: cfg.webhookDurationP95Seconds * HEALTHY_FRACTION,
    subscriptionsPerSecond: guardedRate(cfg.cancellationWindow.seconds),
    cancellationRatio: cfg.cancellationRatio * HEALTHY_FRACTION,
    creditGrantsPerSecond: guardedRate(cfg.creditGrantWindow.seconds),
    largeGrantShare: 0,
    grantCredits: cfg.creditGrantP99Threshold * HEALTHY_FRACTION,
    largeGrantCredits: cfg.creditGrantP99Threshold * FAILING_FACTOR,
  };
  switch (scenario) {
    case "healthy":
      return healthy;
    case "payment-failures-warning":
      // Halfway between the two thresholds: above the warning, clear of the critical.
      return { ...healthy, paymentFailureRatio: (cfg.paymentFailureWarningRatio + cfg.paymentFailureCriticalRatio) / 2 };
    case "payment-failures-critical":
      return { ...healthy, paymentFailureRatio: failingRatio(cfg.paymentFailureCriticalRatio) };
    case "webhook-failures":
      return { ...healthy, webhookFailureRatio: failingRatio(cfg.webhookFailureRatio) };
    case "webhook-slow":
      return { ...healthy, webhookSeconds: cfg.webhookDurationP95Seconds * FAILING_FACTOR };
    case "webhooks-stalled":
      return { ...healthy, webhooksPerSecond: 0 };
    case "cancellation-spike":
      return { ...healthy, cancellationRatio: failingRatio(cfg.cancellationRatio) };
    case "credit-anomaly":
      // The p99 lands among the large grants once more than 1 % of grants are large; ten times that is the margin.
      return { ...healthy, largeGrantShare: 0.01 * 10 };
    case "target-down":
      return { ...healthy, up: false };
  }
}

/** Alerts (besides the Watchdog, which always fires) that Prometheus fires while a scenario runs. */
export const EXPECTED_ALERTS: Readonly<Record<ScenarioName, readonly string[]>> = {
  healthy: [],
  "payment-failures-warning": ["BillingPaymentFailureRateHigh"],
  // The warning's ratio is crossed too; Alertmanager's inhibition keeps it out of email.
  "payment-failures-critical": ["BillingPaymentFailureRateCritical", "BillingPaymentFailureRateHigh"],
  "webhook-failures": ["StripeWebhookFailureRateHigh"],
  "webhook-slow": ["StripeWebhookProcessingDurationHigh"],
  "webhooks-stalled": ["StripeWebhooksStalled"],
  "cancellation-spike": ["SubscriptionCancellationRateHigh"],
  "credit-anomaly": ["BillingCreditGrantAnomalyDetected"],
  "target-down": ["BillingMetricsAbsent"],
};

/** Alerts of a scenario that reach people (the rest are inhibited). */
export const NOTIFIED_ALERTS: Readonly<Record<ScenarioName, readonly string[]>> = {
  ...EXPECTED_ALERTS,
  "payment-failures-critical": ["BillingPaymentFailureRateCritical"],
};
