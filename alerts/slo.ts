/**
 * The seed's baseline targets as service level objectives, alerted on with multiwindow, multi-burn-rate alerts.
 *
 * Each SLI is recorded once as two counts over the base window (events and errors, new series counted), every
 * longer window is a ratio of sums of those recorded counts (never a range over the raw series: a 3-day range
 * over 50k series at every evaluation would cost more than all other rules together), and the alerts compare the
 * error ratio with the error budget, `1 - objective`.
 */
import type { BillingConfig } from "../config";
import { describeDuration, duration, type Duration } from "../common/duration";
import { METRICS, type BucketedHistogram } from "../promql/metrics";
import { countIn, escapeRegex, literal, type Matchers, recorded, regex, select, sumBy } from "../promql/index";
import { alertRule, annotations, enoughTraffic, labels, RUNBOOKS, type RuleContext } from "./common";
import type { AlertRule, RecordingRule, RuleGroup, Severity } from "./types";
import { type AlertKind, type BurnWindow, type SloWindows, sloWindows } from "../config/slo-windows";

export { BURN_WINDOWS, type BurnWindow, type SloWindows, sloWindows, TABLE_PERIOD } from "../config/slo-windows";

/** How each alert class routes: a page wakes someone (critical), a ticket waits for working hours (warning). */
export const SLO_SEVERITY: Readonly<Record<AlertKind, Severity>> = { page: "critical", ticket: "warning" };


export const SLO_NAMES = ["payment-success", "webhook-latency", "api-latency"] as const;
export type SloName = (typeof SLO_NAMES)[number];

export interface Sli {
  readonly slo: SloName;
  /** Alert name stem: `<stem>ErrorBudgetBurnPage`. */
  readonly alertStem: string;
  readonly title: string;
  readonly objective: number;
  /** What an event and a bad event are, for descriptions: "payments", "failed". */
  readonly events: string;
  readonly bad: string;
  /** Events over the base window, one series per namespace. */
  readonly eventCount: string;
  /** Bad events over the base window, one series per namespace, zero when there are none. */
  readonly errorCount: string;
  /**
   * Where seed alerts already page for the same failures: the namespaces whose traffic lets them decide. The page
   * stands down there, so one outage pages once: at that traffic the seed's critical fires first (its thresholds
   * are below the page's), and it also resolves first, while the page's short window still holds the outage.
   */
  readonly pagedBySeedAlerts?: string;
}

/** Names of the SLO recorded series; every one carries the `slo` label. */
export function sloRecords(windows: SloWindows) {
  return {
    events: `namespace_slo:sli_events:increase${windows.base.text}`,
    errors: `namespace_slo:sli_errors:increase${windows.base.text}`,
    errorRatio: (window: Duration) => `namespace_slo:sli_error:ratio_rate${window.text}`,
    budgetRemaining: `namespace_slo:error_budget_remaining:ratio_rate${windows.period.text}`,
  };
}


/** Observations of a histogram at or under one of its bounds, over a window, by namespace. */
function bucketCount(ctx: RuleContext, metric: BucketedHistogram, matchers: Matchers, bound: number, window: Duration): string {
  // Exporters write a bound as `1` or `1.0`; Prometheus keeps `le` as text, so both spellings are matched.
  const le = regex(`${escapeRegex(String(bound))}(\\.0)?`);
  return sumBy(ctx.by, countIn(select(metric, { ...matchers, le }, "bucket"), window.text));
}

/**
 * Observations within `thresholdSeconds`. On a bucket bound this is that bucket; between two bounds it is
 * interpolated linearly between them, as `histogram_quantile` does: the SLI then agrees with the p95 the dashboard
 * shows (a p95 under the threshold is exactly "at least 95 % within it" under that interpolation).
 */
export function withinThreshold(ctx: RuleContext, metric: BucketedHistogram, matchers: Matchers, thresholdSeconds: number, window: Duration): string {
  const threshold = thresholdSeconds * metric.unitsPerSecond;
  const exact = metric.buckets.find((bound) => Math.abs(bound - threshold) < 1e-9);
  if (exact !== undefined) return bucketCount(ctx, metric, matchers, exact, window);
  const upper = metric.buckets.findIndex((bound) => bound > threshold);
  if (upper <= 0) throw new Error(`${threshold} is outside the buckets of ${metric.name}`);
  const lo = metric.buckets[upper - 1];
  const hi = metric.buckets[upper];
  const share = Number(((threshold - lo) / (hi - lo)).toFixed(6));
  return `${bucketCount(ctx, metric, matchers, lo, window)} * ${literal(Number((1 - share).toFixed(6)))}\n+\n${bucketCount(ctx, metric, matchers, hi, window)} * ${literal(share)}`;
}

function latencySli(ctx: RuleContext, metric: BucketedHistogram, matchers: Matchers, thresholdSeconds: number, window: Duration): { eventCount: string; errorCount: string } {
  const eventCount = sumBy(ctx.by, countIn(select(metric, matchers, "count"), window.text));
  // Counts over a window are extrapolated per series, so the bucket and the count can disagree by a fraction.
  return { eventCount, errorCount: `clamp_min(\n${eventCount}\n-\n(${withinThreshold(ctx, metric, matchers, thresholdSeconds, window)}),\n0)` };
}

export function slis(ctx: RuleContext, windows: SloWindows): Sli[] {
  const { cfg } = ctx;
  const base = windows.base;
  const paymentRate = (matchers: Matchers) => sumBy(ctx.by, recorded(ctx.records.payments, { ...ctx.app, ...matchers }));
  const payments = (matchers: Matchers): string =>
    // The payments group records the same count when its window is the SLI's: read it rather than count again.
    cfg.rateWindow.seconds === base.seconds ? `${paymentRate(matchers)} * ${base.seconds}` : sumBy(ctx.by, countIn(select(METRICS.paymentProcessed, { ...ctx.app, ...matchers }), base.text));
  const paymentEvents = payments({});
  return [
    {
      slo: "payment-success",
      alertStem: "BillingPaymentSuccess",
      title: "Payment success",
      objective: cfg.paymentSuccessObjective,
      events: "payments",
      bad: "failed",
      eventCount: paymentEvents,
      errorCount: `${payments({ status: "failed" })}\nor\n${paymentEvents} * 0`,
      // The payment alerts' own guard (alerts/payments.ts): where it passes, BillingPaymentFailureRateCritical decides.
      pagedBySeedAlerts: enoughTraffic(ctx, `${paymentRate({})} * ${cfg.rateWindow.seconds}`, `${paymentRate({ status: "failed" })} * ${cfg.rateWindow.seconds}`),
    },
    {
      slo: "webhook-latency",
      alertStem: "StripeWebhookLatency",
      title: "Stripe webhook latency",
      objective: cfg.webhookLatencyObjective,
      events: "Stripe webhooks",
      bad: `took longer than ${cfg.webhookLatencyThresholdSeconds}s`,
      ...latencySli(ctx, METRICS.webhookDuration, ctx.app, cfg.webhookLatencyThresholdSeconds, base),
    },
    {
      slo: "api-latency",
      alertStem: "BillingApiLatency",
      title: "Billing API latency",
      objective: cfg.apiLatencyObjective,
      events: "billing API requests",
      bad: `took longer than ${cfg.apiLatencyThresholdSeconds * 1000}ms`,
      ...latencySli(ctx, METRICS.phoenixRequestDuration, { ...ctx.app, path: regex(cfg.apiLatencyRoutes) }, cfg.apiLatencyThresholdSeconds, base),
    },
  ];
}

/** A number as PromQL reads it, without binary noise: 14.4 × 0.05 is 0.72, not 0.7200000000000001. */
export const clean = (value: number): string => literal(Number(value.toPrecision(12)));

function burnAlert(ctx: RuleContext, windows: SloWindows, sli: Sli, kind: AlertKind): AlertRule {
  const budget = 1 - sli.objective;
  const records = sloRecords(windows);
  const selector = { ...ctx.app, slo: sli.slo };
  const evaluationsPerWindow = windows.base.seconds / ctx.cfg.ruleEvaluationInterval.seconds;
  // A count recorded every evaluation over a window `evaluationsPerWindow` evaluations long counts each event
  // that many times: the sum over a range, divided by it, is the events in the range. The guard reads the short
  // window: a page needs evidence now, so a third of a handful of payments failing all day is a ticket, not a page.
  const inRange = (record: string, window: Duration) => `sum_over_time(${recorded(record, selector)}[${window.text}]) / ${clean(evaluationsPerWindow)}`;
  const pair = (w: BurnWindow): string =>
    `(\n  ${recorded(records.errorRatio(w.long), selector)} / ${clean(budget)} > ${clean(w.burnRate)}\n` +
    `  and\n  ${recorded(records.errorRatio(w.short), selector)} / ${clean(budget)} > ${clean(w.burnRate)}\n` +
    `  and\n  (${inRange(records.events, w.short)} >= ${ctx.cfg.minEventsPerWindow} or ${inRange(records.errors, w.short)} >= ${ctx.cfg.minFailuresPerWindow})\n)`;
  const pairs = windows[kind];
  const burning = pairs.map(pair).join("\nor\n");
  const standsDown = kind === "page" && sli.pagedBySeedAlerts;
  const alert = `${sli.alertStem}ErrorBudgetBurn${kind === "page" ? "Page" : "Ticket"}`;
  const spend = pairs.map((w) => `${describeDuration(w.long)} (and ${describeDuration(w.short)}) at ${w.burnRate}×`).join(", or over ");
  return alertRule({
    alert,
    expr: standsDown ? `(\n${burning}\n)\nunless on (${ctx.by.join(", ")})\n${standsDown}` : burning,
    // The short window already makes the alert wait for the errors to last; a `for` would only delay the page.
    for: duration("0s"),
    labels: { ...labels(ctx, SLO_SEVERITY[kind], `slo-${sli.slo}`), slo: sli.slo },
    annotations: annotations(
      ctx,
      {
        summary: `${sli.title} SLO: error budget burning ${kind === "page" ? "fast" : "steadily"}`,
        description:
          `In {{ $labels.namespace }}, ${sli.events} that ${sli.bad} use the ${describeDuration(windows.period)} error budget of the ${sli.title.toLowerCase()} SLO ` +
          `(${clean(sli.objective * 100)} %) {{ $value | humanize }} times as fast as it allows, over ${spend} ` +
          `(only counted when the short window holds at least ${ctx.cfg.minEventsPerWindow} ${sli.events}, or ${ctx.cfg.minFailuresPerWindow} that ${sli.bad})` +
          (standsDown ? `; at traffic the payment alerts can judge, BillingPaymentFailureRateCritical pages instead.` : "."),
        action:
          kind === "page"
            ? ["Open the dashboard's SLO row: the burn rate says how soon the budget is gone.", "Find the failing component with the seed alerts of the same area and their runbooks.", "Follow the runbook; escalate if the burn does not slow within 30 minutes."]
            : ["Open a ticket for the owning team with the SLO row's figures.", "Look for a slow regression: a deploy, a dependency, a traffic change.", "Follow the runbook."],
      },
      RUNBOOKS.slos,
      "sloBurnRate",
    ),
  });
}

export function sloGroups(ctx: RuleContext): RuleGroup[] {
  const windows = sloWindows(ctx.cfg);
  const records = sloRecords(windows);
  return slis(ctx, windows).map((sli) => {
    const sloLabels = { slo: sli.slo };
    const selector = { ...ctx.app, slo: sli.slo };
    const ratio = (window: Duration): RecordingRule =>
      window.seconds === windows.base.seconds
        ? { record: records.errorRatio(window), expr: `${recorded(records.errors, selector)}\n/\n${recorded(records.events, selector)}`, labels: sloLabels }
        : {
            record: records.errorRatio(window),
            expr: `sum_over_time(${recorded(records.errors, selector)}[${window.text}])\n/\nsum_over_time(${recorded(records.events, selector)}[${window.text}])`,
            labels: sloLabels,
          };
    return {
      name: `billing-slo-${sli.slo}`,
      interval: ctx.cfg.ruleEvaluationInterval,
      rules: [
        { record: records.events, expr: sli.eventCount, labels: sloLabels },
        { record: records.errors, expr: sli.errorCount, labels: sloLabels },
        ...windows.recorded.map(ratio),
        { record: records.budgetRemaining, expr: `1 - ${recorded(records.errorRatio(windows.period), selector)} / ${clean(1 - sli.objective)}`, labels: sloLabels },
        ...(ctx.cfg.sloAlerts ? [burnAlert(ctx, windows, sli, "page"), burnAlert(ctx, windows, sli, "ticket")] : []),
      ],
    };
  });
}

/** Each SLO's objective, from the config alone (the dashboard reads them without building rules). */
export function sloObjectives(cfg: BillingConfig): Record<SloName, number> {
  return { "payment-success": cfg.paymentSuccessObjective, "webhook-latency": cfg.webhookLatencyObjective, "api-latency": cfg.apiLatencyObjective };
}
