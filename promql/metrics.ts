/**
 * The metric catalogue: every metric the billing app (`rsolv-platform`, PromEx `Rsolv.PromEx.BillingPlugin`)
 * exports, and the only place a metric name is spelled out. Alerts and dashboards take names, types and labels
 * from here; the PromQL checker rejects any expression that names something else.
 *
 * Naming rule (PromEx / Telemetry.Metrics conventions, as exported by the Prometheus reporter):
 * - every metric starts with the event prefix `[:rsolv, :billing]` joined by `_`: `rsolv_billing_`;
 * - an event that is counted (`counter/2`) becomes `<prefix>_<event>_total`:
 *   `[:rsolv, :billing, :subscription_created]` → `rsolv_billing_subscription_created_total`;
 * - a measurement summed over events (`sum/2`) becomes `<prefix>_<event>_<measurement>_total`;
 * - a measurement distributed into buckets (`distribution/2`) becomes a histogram named
 *   `<prefix>_<event>_<measurement>_<unit>` with the base unit last: durations in `seconds`, money in `cents`,
 *   credits in `credits`. Prometheus adds `_bucket`, `_sum` and `_count`;
 * - a value polled by the plugin (`last_value/2` in `polling_metrics`) becomes a gauge named after what it holds:
 *   `<prefix>_<noun>` (`rsolv_billing_subscriptions_active`).
 *
 * Counters about one customer's activity carry `customer_id`, so the dashboard can filter by customer; alerts never
 * aggregate by it (it is the high-cardinality label), and histograms leave it out (it would multiply every bucket).
 *
 * Counting events (see `countIn` in promql/index.ts): a counter series exists only from its first event on, and starts
 * again from nothing when a pod restarts; every count over a window goes through the one helper that sees both.
 *
 * Every series also carries the labels Prometheus adds at scrape time (`namespace`, `pod`, `job`, `instance`);
 * the catalogue lists them once in {@link SCRAPE_LABELS}.
 */

/** The Prometheus metric types the app exports. */
export type MetricType = "counter" | "gauge" | "histogram";

/** One exported metric. */
export interface MetricDefinition {
  /** Full Prometheus name as scraped (a histogram's base name, without `_bucket`/`_sum`/`_count`). */
  readonly name: string;
  readonly type: MetricType;
  /** Labels the app sets (not the scrape-time ones). */
  readonly labels: readonly string[];
  /** HELP text, as the app exports it. */
  readonly help: string;
  /**
   * The telemetry event it is derived from, or `polling` for a polled gauge, or `prometheus` for synthetic series;
   * for the servers' own ({@link SERVER_METRICS}), `prometheus-server` or `alertmanager`.
   */
  readonly source: string;
}

/** A histogram whose bucket bounds a rule reads: a latency SLO counts the observations under a threshold. */
export interface BucketedHistogram extends MetricDefinition {
  readonly type: "histogram";
  /** The finite `le` bounds the app exports, ascending, in the metric's own unit. */
  readonly buckets: readonly number[];
  /** The metric's unit per second: 1 for `_seconds`, 1000 for `_milliseconds`. */
  readonly unitsPerSecond: number;
}

/** Labels added to every scraped series by Prometheus' Kubernetes service discovery. */
export const SCRAPE_LABELS = ["namespace", "pod", "job", "instance"] as const;

/** Subscription plans, the values of the `plan` label. */
export const PLANS = ["trial", "pay_as_you_go", "pro"] as const;

const PREFIX = "rsolv_billing";

function metric(
  suffix: string,
  type: MetricType,
  labels: readonly string[],
  help: string,
  source: string,
): MetricDefinition {
  return { name: `${PREFIX}_${suffix}`, type, labels, help, source };
}

/** The catalogue, keyed by the name code uses to refer to each metric. */
export const METRICS = {
  subscriptionCreated: metric(
    "subscription_created_total",
    "counter",
    ["plan", "status", "customer_id"],
    "Subscriptions created, by plan and initial status (active, trialing, incomplete).",
    "[:rsolv, :billing, :subscription_created]",
  ),
  subscriptionRenewed: metric(
    "subscription_renewed_total",
    "counter",
    ["plan"],
    "Subscriptions renewed at the end of a billing period.",
    "[:rsolv, :billing, :subscription_renewed]",
  ),
  subscriptionCancelled: metric(
    "subscription_cancelled_total",
    "counter",
    ["plan", "reason", "customer_id"],
    "Subscriptions cancelled, by plan and cancellation reason.",
    "[:rsolv, :billing, :subscription_cancelled]",
  ),
  subscriptionsActive: metric(
    "subscriptions_active",
    "gauge",
    ["plan"],
    "Subscriptions currently active, by plan (polled every 15 s).",
    "polling",
  ),
  customersByFunnelStage: metric(
    "funnel_customers",
    "gauge",
    ["stage"],
    "Customers that reached each conversion stage: signed_up, billing_added, pro (polled every 15 s).",
    "polling",
  ),
  paymentProcessed: metric(
    "payment_processed_total",
    "counter",
    ["plan", "payment_method", "status", "failure_code", "customer_id"],
    "Payments processed, by outcome (status succeeded or failed) and Stripe failure code (none on success).",
    "[:rsolv, :billing, :payment_processed]",
  ),
  paymentDuration: metric(
    "payment_processed_duration_seconds",
    "histogram",
    ["plan", "payment_method"],
    "Time to process a payment against Stripe, in seconds.",
    "[:rsolv, :billing, :payment_processed]",
  ),
  paymentAmount: metric(
    "payment_processed_amount_cents",
    "histogram",
    ["plan", "status"],
    "Amount of each processed payment, in cents.",
    "[:rsolv, :billing, :payment_processed]",
  ),
  invoicePaid: metric(
    "invoice_paid_total",
    "counter",
    ["plan"],
    "Invoices paid.",
    "[:rsolv, :billing, :invoice_paid]",
  ),
  invoiceFailed: metric(
    "invoice_failed_total",
    "counter",
    ["plan", "failure_code"],
    "Invoices whose payment failed, by Stripe failure code.",
    "[:rsolv, :billing, :invoice_failed]",
  ),
  webhookReceived: metric(
    "stripe_webhook_received_total",
    "counter",
    ["event_type", "status"],
    "Stripe webhooks received, by Stripe event type and processing outcome (status succeeded or failed).",
    "[:rsolv, :billing, :stripe_webhook_received]",
  ),
  webhookDuration: {
    ...metric(
      "stripe_webhook_received_duration_seconds",
      "histogram",
      ["event_type"],
      "Time to process a Stripe webhook, in seconds.",
      "[:rsolv, :billing, :stripe_webhook_received]",
    ),
    type: "histogram",
    // The BillingPlugin's reporter_options buckets for this distribution; the webhook SLO reads the 1 s bound.
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    unitsPerSecond: 1,
  },
  usageTracked: metric(
    "usage_tracked_total",
    "counter",
    ["plan", "customer_id"],
    "Usage records tracked.",
    "[:rsolv, :billing, :usage_tracked]",
  ),
  fixesConsumed: metric(
    "usage_tracked_fixes_total",
    "counter",
    ["plan", "customer_id"],
    "Fixes consumed, summed over usage records.",
    "[:rsolv, :billing, :usage_tracked]",
  ),
  creditsAdded: metric(
    "credits_added_amount_credits",
    "histogram",
    ["source"],
    "Credits granted per grant, by source (purchase, signup_bonus, admin, refund).",
    "[:rsolv, :billing, :credits_added]",
  ),
  creditsConsumed: metric(
    "credits_consumed_amount_credits",
    "histogram",
    ["plan"],
    "Credits consumed per consumption.",
    "[:rsolv, :billing, :credits_consumed]",
  ),
  /**
   * PromEx's own Phoenix plugin (`PromEx.Plugins.Phoenix`, prom_ex 1.11 `lib/prom_ex/plugins/phoenix.ex`), not the
   * BillingPlugin: its prefix is `[otp_app, :prom_ex, :phoenix]`, its unit milliseconds (`duration_unit` default),
   * its buckets fixed in the plugin's source, and `path` the matched route pattern (`/api/v1/billing/:id`), or
   * `Unknown` when no route matched. It carries no namespace-specific label besides the scrape-time ones.
   */
  phoenixRequestDuration: {
    name: "rsolv_prom_ex_phoenix_http_request_duration_milliseconds",
    type: "histogram",
    labels: ["status", "method", "path", "controller", "action", "host"],
    help: "The time it takes for the application to respond to HTTP requests.",
    source: "[:phoenix, :endpoint, :stop]",
    buckets: [10, 100, 500, 1_000, 5_000, 10_000, 30_000],
    unitsPerSecond: 1000,
  },
} as const satisfies Record<string, MetricDefinition | BucketedHistogram>;

export type MetricKey = keyof typeof METRICS;

/**
 * Series Prometheus itself produces, which rules and panels may also read. They are not exported by the app, so the
 * metric simulator does not serve them.
 */
export const SYNTHETIC_METRICS = {
  up: { name: "up", type: "gauge", labels: [], help: "1 when the last scrape of the target succeeded.", source: "prometheus" },
  alerts: {
    name: "ALERTS",
    type: "gauge",
    labels: ["alertname", "alertstate", "severity", "environment", "family"],
    help: "One series per pending or firing alert.",
    source: "prometheus",
  },
} as const satisfies Record<string, MetricDefinition>;

/**
 * The servers' own metrics, not the app's: what Prometheus and Alertmanager export about themselves on their
 * `/metrics` (scraped by their self-scrape jobs, config keys `prometheusJob` and `alertmanagerJob`). The alerting
 * pipeline's alerts (alerts/alerting-pipeline.ts) read them; the simulator never serves them. Names, types and labels
 * as Prometheus 2.42 to 3.16 and Alertmanager 0.25 to 0.35 export them; `reason` on failed notifications is from 0.27,
 * `alertmanager` on dropped alerts and queue lengths from Prometheus 3.
 */
export const SERVER_METRICS = {
  notifications: {
    name: "alertmanager_notifications_total",
    type: "counter",
    labels: ["integration"],
    help: "The total number of attempted notifications.",
    source: "alertmanager",
  },
  notificationsFailed: {
    name: "alertmanager_notifications_failed_total",
    type: "counter",
    labels: ["integration", "reason"],
    help: "The total number of failed notifications (after Alertmanager's own retries ran out).",
    source: "alertmanager",
  },
  alertmanagerConfigReloadSuccessful: {
    name: "alertmanager_config_last_reload_successful",
    type: "gauge",
    labels: [],
    help: "Whether the last configuration reload attempt was successful.",
    source: "alertmanager",
  },
  prometheusConfigReloadSuccessful: {
    name: "prometheus_config_last_reload_successful",
    type: "gauge",
    labels: [],
    help: "Whether the last configuration reload attempt was successful.",
    source: "prometheus-server",
  },
  ruleEvaluationFailures: {
    name: "prometheus_rule_evaluation_failures_total",
    type: "counter",
    labels: ["rule_group"],
    help: "The total number of rule evaluation failures, by rule group (`<file>;<group>`).",
    source: "prometheus-server",
  },
  // From Prometheus 3, which queues alerts per Alertmanager, drops and queue lengths carry `alertmanager` too.
  notificationsDropped: {
    name: "prometheus_notifications_dropped_total",
    type: "counter",
    labels: ["alertmanager"],
    help: "Total number of alerts dropped due to errors when sending to Alertmanager.",
    source: "prometheus-server",
  },
  notificationsQueueLength: {
    name: "prometheus_notifications_queue_length",
    type: "gauge",
    labels: ["alertmanager"],
    help: "The number of alert notifications in the queue.",
    source: "prometheus-server",
  },
  notificationsQueueCapacity: {
    name: "prometheus_notifications_queue_capacity",
    type: "gauge",
    labels: [],
    help: "The capacity of the alert notifications queue.",
    source: "prometheus-server",
  },
  alertmanagersDiscovered: {
    name: "prometheus_notifications_alertmanagers_discovered",
    type: "gauge",
    labels: [],
    help: "The number of alertmanagers discovered and active.",
    source: "prometheus-server",
  },
  notificationsSent: {
    name: "prometheus_notifications_sent_total",
    type: "counter",
    labels: ["alertmanager"],
    help: "Total number of alerts sent, errors included, by Alertmanager URL.",
    source: "prometheus-server",
  },
  notificationErrors: {
    name: "prometheus_notifications_errors_total",
    type: "counter",
    labels: ["alertmanager"],
    help: "Total number of sent alerts affected by errors, by Alertmanager URL.",
    source: "prometheus-server",
  },
} as const satisfies Record<string, MetricDefinition>;

/** Every metric the checker accepts: the app's, Prometheus' synthetic series and the servers' own. */
export const ALL_METRICS: readonly MetricDefinition[] = [...Object.values(METRICS), ...Object.values(SYNTHETIC_METRICS), ...Object.values(SERVER_METRICS)];
