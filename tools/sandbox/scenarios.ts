/**
 * Scenarios of the billing metrics simulator: the traffic each one produces, derived from the thresholds of the
 * config in use so that every scenario crosses its threshold by a margin (and healthy stays below all of them by
 * one), and the alerts each one is expected to fire.
 */
import { alertRules, buildRuleGroups } from "../../alerts";
import type { AlertRule, Watch } from "../../alerts/types";
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

/**
 * Alerts no scenario above fires, each with a scenario of its own made from what it watches (alerts/types.ts,
 * Watch), named after it in kebab case (`BillingRefundFailureRateHigh` → `billing-refund-failure-rate-high`): the
 * simulator plays healthy traffic on its watched series, and failing traffic while its scenario runs. So a new alert
 * is in the sandbox without a scenario written for it. `alerts` are the stack's by default.
 */
export function alertScenarios(cfg: BillingConfig, alerts: readonly AlertRule[] = alertRules(buildRuleGroups(cfg))): ReadonlyMap<string, AlertRule & { readonly watch: Watch }> {
  const covered = new Set(Object.values(EXPECTED_ALERTS).flat());
  const own = alerts.filter((rule): rule is AlertRule & { readonly watch: Watch } => rule.watch !== undefined && rule.watch.kind !== "always" && !covered.has(rule.alert));
  return new Map(own.map((rule) => [rule.alert.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase(), rule]));
}

/** Every scenario a simulator of this config plays: the named ones, then each alert's own. */
export function scenarioNames(cfg: BillingConfig, alerts?: readonly AlertRule[]): string[] {
  return [...SCENARIOS, ...alertScenarios(cfg, alerts).keys()];
}

/** A watched series' healthy share or value and its failing one, around the alert's threshold. */
export function watchedLevels(watch: Watch): { healthy: number; failing: number } | undefined {
  if (watch.kind === "ratio") return { healthy: watch.threshold * HEALTHY_FRACTION, failing: failingRatio(watch.threshold) };
  if (watch.kind === "quantile") return { healthy: watch.threshold * HEALTHY_FRACTION, failing: watch.threshold * FAILING_FACTOR };
  return undefined;
}

/** Events a second on a watched series: enough for the low-traffic guard over its window, GUARD_MARGIN times over. */
export function watchedRate(cfg: BillingConfig, watch: Watch): number {
  const window = "window" in watch ? watch.window.seconds : cfg.rateWindow.seconds;
  return (GUARD_MARGIN * cfg.minEventsPerWindow) / window;
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

/** The traffic of a scenario under a config; an alert's own scenario plays healthy traffic on the named streams. */
export function traffic(cfg: BillingConfig, scenario: ScenarioName | string, alerts?: readonly AlertRule[]): Traffic {
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
  if (!isScenario(scenario)) {
    const own = alertScenarios(cfg, alerts).get(scenario);
    if (!own) throw new Error(`unknown scenario ${JSON.stringify(scenario)}; the scenarios are: ${scenarioNames(cfg, alerts).join(", ")}`);
    // An alert on a metric's absence fires when the app is not scraped at all.
    return own.watch.kind === "absence" ? { ...healthy, up: false } : healthy;
  }
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
