import type { Duration } from "../common/duration";
import type { MetricDefinition } from "../promql/metrics";

import type { Severity } from "../config/severity";

export { SEVERITIES, type Severity } from "../config/severity";

/** The Watchdog's severity: routed to the heartbeat receiver, never to people. */
export const HEARTBEAT_SEVERITY = "none";

/** One alerting rule, as authored. Keys in the order they appear in the rule file. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: Duration;
  readonly labels: AlertLabels;
  readonly annotations: AlertAnnotations;
  /** What it watches (never rendered): the rule tests and the sandbox drive the alert through it. */
  readonly watch?: Watch;
}

/** Series of one metric, narrowed by label values (those unnamed take any value). */
export interface WatchedSeries {
  readonly metric: MetricDefinition;
  readonly matchers: Readonly<Record<string, string>>;
}

/**
 * What an alert watches, declared where the alert is made: the series its condition reads and the threshold it
 * crosses, in terms a test can drive. The promtool cases (fires, quiet, pending, low traffic) and the sandbox's
 * scenario of each alert are made from it, so a new alert brings its own.
 * - `ratio`: `failures` among `events` over `window` above `threshold` (failures are a part of the events when both
 *   are series of one metric, else counted apart, as cancellations against creations), behind the low-traffic guard;
 * - `quantile`: the `quantile` of a histogram's observations over `window` above `threshold`;
 * - `silence`: no event of a counter in `window`;
 * - `absence`: no series of a metric at all;
 * - `always`: the condition always holds (the Watchdog).
 */
export type Watch =
  | { readonly kind: "ratio"; readonly failures: WatchedSeries; readonly events: WatchedSeries; readonly window: Duration; readonly threshold: number }
  | { readonly kind: "quantile"; readonly metric: MetricDefinition; readonly quantile: number; readonly window: Duration; readonly threshold: number }
  | { readonly kind: "silence"; readonly metric: MetricDefinition; readonly window: Duration }
  | { readonly kind: "absence"; readonly metric: MetricDefinition }
  | { readonly kind: "always" };

export interface AlertLabels {
  readonly severity: Severity | typeof HEARTBEAT_SEVERITY;
  /** Alerts of one family share it; a firing critical inhibits the family's warning. */
  readonly family?: string;
  readonly [label: string]: string | undefined;
}

export interface AlertAnnotations {
  /** Short and static: the email subject line and the alert list show it. */
  readonly summary: string;
  /** Names the failing thing with `{{ $labels.… }}` / `{{ $value }}` and states the threshold. */
  readonly description: string;
  /** What the person on call does first, as numbered steps. */
  readonly action: string;
  readonly runbook_url: string;
  readonly dashboard_url: string;
}

/** A recording rule: precomputes a sub-expression that several alerts or panels read. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  /** Labels added to every recorded series (the SLO records tell their SLO apart this way). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval: Duration;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}

export function isAlertRule(rule: AlertRule | RecordingRule): rule is AlertRule {
  return "alert" in rule;
}
