/**
 * What every billing rule group shares: the stack's selector and labels, runbook and dashboard links, and the
 * factory for ratio alerts with a low-traffic guard.
 */
import type { BillingConfig } from "../config";
import { PANEL_IDS, type PanelKey } from "../common/panel-ids";
import { type Duration, describeDuration } from "../common/duration";
import type { MetricDefinition } from "../promql/metrics";
import { countIn, literal, type Matchers, perSecond, recorded, select, sumBy } from "../promql/index";
import { BY_NAMESPACE, records, type Records } from "./records";
import type { AlertAnnotations, AlertLabels, AlertRule, HEARTBEAT_SEVERITY, RecordingRule, Severity, WatchedSeries } from "./types";

/** Runbook files in docs/runbooks/, one per alert family. Each holds a section named after each of its alerts. */
export const RUNBOOKS = {
  payments: "payment-failures.md",
  webhooks: "stripe-webhook-failures.md",
  subscriptions: "subscriptions.md",
  credits: "credits.md",
  pipeline: "monitoring-pipeline.md",
  alertingPipeline: "alerting-pipeline.md",
  slos: "slos.md",
} as const;

export type RunbookFile = (typeof RUNBOOKS)[keyof typeof RUNBOOKS];

/** The section anchor GitHub and most Markdown renderers give a `## AlertName` heading. */
export function runbookAnchor(alertName: string): string {
  return alertName.toLowerCase();
}

/** Everything a rule group builder needs from the stack config, derived once. */
export interface RuleContext {
  readonly cfg: BillingConfig;
  /** Selects the app's series of this stack. */
  readonly app: Matchers;
  /** The label every aggregation keeps, so alerts say which app they are about. */
  readonly by: readonly string[];
  /** Rate window text (e.g. `5m`). */
  readonly window: string;
  /** Names of the recorded series. */
  readonly records: Records;
}

export function ruleContext(cfg: BillingConfig): RuleContext {
  return { cfg, app: { namespace: cfg.appNamespace }, by: BY_NAMESPACE, window: cfg.rateWindow.text, records: records(cfg) };
}

/**
 * An alert's labels. Each names the app's namespace outright, also where the expression keeps none (the Watchdog,
 * absent()): Alertmanager routes and inhibits within it, and prometheus-operator matches an AlertmanagerConfig's
 * routes by it (alerts/operator.ts).
 */
export function labels(ctx: RuleContext, severity: Severity | typeof HEARTBEAT_SEVERITY, family?: string): AlertLabels {
  return { severity, ...(family ? { family } : {}), environment: ctx.cfg.environment, namespace: ctx.cfg.appNamespace, team: ctx.cfg.teamLabel };
}

/** An alert's annotations, given its name: the prose, and the links made from the name. */
export type Describe = (alertName: string) => AlertAnnotations;

/**
 * The annotations of an alert: its prose, with the action as numbered steps, and its links, the runbook section
 * named after the alert and the dashboard panel, added where the alert is made ({@link alertRule}), so an alert's
 * name is written once.
 */
export function annotations(ctx: RuleContext, text: { summary: string; description: string; action: readonly string[] }, runbook: RunbookFile, panel: PanelKey): Describe {
  const { runbookBaseUrl } = ctx.cfg;
  const { grafanaUrl: url, dashboardUid } = ctx.cfg;
  return (alertName) => ({
    summary: text.summary,
    description: text.description,
    action: text.action.map((step, i) => `${i + 1}. ${step}`).join("\n"),
    runbook_url: `${runbookBaseUrl}/${runbook}#${runbookAnchor(alertName)}`,
    dashboard_url: `${url}/d/${dashboardUid}?viewPanel=${PANEL_IDS[panel]}`,
  });
}

/** An alerting rule whose annotations are made from its name. */
export function alertRule(rule: Omit<AlertRule, "annotations"> & { readonly annotations: Describe }): AlertRule {
  return { ...rule, annotations: rule.annotations(rule.alert) };
}

/** The recorded pair a failure-ratio alert stands on, and the counts its low-traffic guard reads. */
export interface OutcomeRatio {
  /** The per-second rate of the events by `labels`, then the failed share of them, by namespace. */
  readonly rules: RecordingRule[];
  /** The failed share, selected for this stack. */
  readonly ratio: string;
  /** Events and failures in the rate window: the rate × the window's seconds, by namespace. */
  readonly events: string;
  readonly failures: string;
  /** The raw series behind them, for the alert's {@link Watch}. */
  readonly watched: { readonly failures: WatchedSeries; readonly events: WatchedSeries };
}

/**
 * Records a counter of outcomes (`status="failed"` among them) as a per-second rate over the rate window, new series
 * counted, and its failure ratio; the ratio alert and its guard read those.
 */
export function outcomeRatio(ctx: RuleContext, metric: MetricDefinition, keep: readonly string[], names: { readonly rate: string; readonly ratio: string }): OutcomeRatio {
  const failed = { ...ctx.app, status: "failed" };
  const all = sumBy(ctx.by, recorded(names.rate, ctx.app));
  const failures = sumBy(ctx.by, recorded(names.rate, failed));
  return {
    rules: [
      { record: names.rate, expr: perSecond(sumBy(keep, countIn(select(metric, ctx.app), ctx.window)), ctx.cfg.rateWindow) },
      { record: names.ratio, expr: `${failures}\n/\n${all}` },
    ],
    ratio: recorded(names.ratio, ctx.app),
    events: `${all} * ${ctx.cfg.rateWindow.seconds}`,
    failures: `${failures} * ${ctx.cfg.rateWindow.seconds}`,
    watched: { failures: { metric, matchers: { status: "failed" } }, events: { metric, matchers: {} } },
  };
}

export interface RatioAlertSpec {
  readonly alert: string;
  /** The recorded failure ratio (0 to 1), one series per namespace. */
  readonly ratio: string;
  /** Events in the ratio's window, one series per namespace. */
  readonly events: string;
  /** Failures in the ratio's window, one series per namespace. */
  readonly failures: string;
  /** The raw series the ratio counts, and its window. */
  readonly watched: { readonly failures: WatchedSeries; readonly events: WatchedSeries; readonly window: Duration };
  readonly threshold: number;
  readonly for: Duration;
  readonly labels: AlertLabels;
  readonly annotations: Describe;
}

/**
 * The low-traffic guard, as a filter on the namespaces whose window counts: at least `minEventsPerWindow` events,
 * or at least `minFailuresPerWindow` failures. The first keeps 1 failure in 2 payments (50 %, no incident) quiet;
 * the second lets a total outage through at volumes where the window never holds enough events.
 */
export function enoughTraffic(ctx: RuleContext, events: string, failures: string): string {
  return `(\n  ${events} >= ${ctx.cfg.minEventsPerWindow}\n  or\n  ${failures} >= ${ctx.cfg.minFailuresPerWindow}\n)`;
}

/** A ratio alert that stays quiet on low traffic: it fires only when the ratio is above the threshold and the guard passes. */
export function ratioAlert(ctx: RuleContext, spec: RatioAlertSpec): AlertRule {
  return alertRule({
    alert: spec.alert,
    expr: `${spec.ratio} > ${literal(spec.threshold)}\nand on (${ctx.by.join(", ")})\n${enoughTraffic(ctx, spec.events, spec.failures)}`,
    for: spec.for,
    labels: spec.labels,
    annotations: spec.annotations,
    watch: { kind: "ratio", ...spec.watched, threshold: spec.threshold },
  });
}

/**
 * The guard's prose, shared by every ratio alert description: `events` reads "payments were processed",
 * `failures` reads "failed".
 */
export function lowTrafficNote(ctx: RuleContext, window: Duration, events: string, failures: string): string {
  return `(only counted when at least ${ctx.cfg.minEventsPerWindow} ${events}, or ${ctx.cfg.minFailuresPerWindow} ${failures}, in the last ${describeDuration(window)})`;
}
