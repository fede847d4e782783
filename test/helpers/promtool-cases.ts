/**
 * The shape of the promtool alert cases (test/alerts/rules/promtool.rules.test.ts and the case files beside it) and the series
 * builders they share: per-minute samples, so every expected number can be traced by hand.
 */

export type Labels = Record<string, string>;

export const series = (name: string, labels: Labels): string =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

/** Cumulative counter samples, one a minute, from phases of [minutes, increase per minute]. */
export function counter(...phases: [number, number][]): string {
  const values = [0];
  for (const [minutes, perMinute] of phases) for (let i = 0; i < minutes; i++) values.push(values[values.length - 1] + perMinute);
  return values.map((v) => Number(v.toFixed(6))).join(" ");
}

/** Gauge samples, one a minute, from phases of [minutes, value] (promtool's `v x n` is n + 1 samples). */
export function gauge(...phases: [number, number][]): string {
  return phases.flatMap(([minutes, value]) => Array.from({ length: minutes }, () => String(value))).join(" ");
}

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  exp_labels: Labels;
  exp_annotations: Labels;
}

/**
 * What a case shows: the alert firing; quiet (no firing, no pending); pending (the condition holds, its `for` has not
 * run out: promtool checks it is pending); low traffic (the guard keeps a ratio alert quiet).
 */
export type CaseKind = "fires" | "quiet" | "pending" | "low-traffic";

export interface AlertCase {
  readonly name: string;
  readonly kind: CaseKind;
  readonly alert: string;
  readonly minutes: number;
  readonly input: InputSeries[];
  readonly evalAt: string;
  /** Empty: the alert must not be firing (pending is not firing). */
  readonly expected: ExpectedAlert[];
}

/** What each stack's alerts must say, written out in the tests rather than taken from the rules. */
export interface StackFacts {
  readonly stack: string;
  readonly namespace: string;
  readonly dashboardUid: string;
}

/** An alert's expected annotations: (alert, runbook file, panel id, summary, description). */
export type Annotate = (alert: string, runbook: string, panel: number, summary: string, description: string) => Labels;
