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

// ---------------------------------------------------------------------------------------------------------------------
// Expected prose, written from what each format is documented to print (not taken from the code under test).

/** A duration as the alerts' prose says it: `15m` → "15 minutes", `1h30m` → "1 hour 30 minutes". */
export function inWords(duration: { readonly text: string }): string {
  const units: Record<string, string> = { ms: "millisecond", s: "second", m: "minute", h: "hour", d: "day", w: "week", y: "year" };
  return [...duration.text.matchAll(/(\d+)(ms|[smhdwy])/g)].map(([, n, unit]) => `${n} ${units[unit]}${n === "1" ? "" : "s"}`).join(" ");
}

/** A threshold ratio as the prose states it: 0.1 → "10%", 0.125 → "12.5%". */
export const thresholdPercent = (ratio: number): string => `${Number((ratio * 100).toPrecision(10))}%`;

/** Go's `%.4g` for the magnitudes the cases produce (10⁻⁴ to 10⁴): four significant digits, no trailing zeros. */
const g4 = (value: number): string => String(Number(value.toPrecision(4)));

/**
 * Prometheus' template functions (docs: "Template reference"): humanizePercentage is `%.4g%%` of the value × 100;
 * humanize scales by 1000 with SI prefixes (k, M, …); humanizeDuration prints seconds under a minute as `%.4gs`, and
 * under a second as `%.4gms` of the milliseconds.
 */
export const humanizePercentage = (value: number): string => `${g4(value * 100)}%`;
export function humanize(value: number): string {
  const prefixes = ["", "k", "M", "G", "T"];
  let i = 0;
  while (Math.abs(value) >= 1000 && i < prefixes.length - 1) [value, i] = [value / 1000, i + 1];
  return `${g4(value)}${prefixes[i]}`;
}
export function humanizeDuration(seconds: number): string {
  if (seconds >= 60) throw new Error(`humanizeDuration of ${seconds}: the cases keep p95s under a minute`);
  return seconds >= 1 ? `${g4(seconds)}s` : `${g4(seconds * 1000)}ms`;
}

/** promtool's `eval_time` for a whole number of minutes. */
export const minutes = (n: number): string => `${n}m`;
