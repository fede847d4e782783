import type { Duration } from "../common/duration";

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
}

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
