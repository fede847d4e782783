/**
 * The one way rules and panels write PromQL: metric names come from the catalogue, selectors from the stack config,
 * numbers from the caller. Hand-written because no maintained TypeScript PromQL builder exists; the output is checked
 * by parsing it back with @prometheus-io/lezer-promql (test/helpers/promql-checker.ts) and by promtool.
 */
import type { MetricDefinition } from "./metrics";

/** A label matcher: a plain string means equality. */
export type Matcher = string | { readonly op: "=" | "!=" | "=~" | "!~"; readonly value: string };

/** Label → matcher; a list puts several matchers on one label. */
export type Matchers = Readonly<Record<string, Matcher | readonly Matcher[]>>;

export const regex = (value: string): Matcher => ({ op: "=~", value });
/** `text` as a regular expression matching exactly it (Prometheus' RE2 and Alertmanager's read the same escapes). */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
export const notRegex = (value: string): Matcher => ({ op: "!~", value });

/** Which series of a histogram to select. */
export type HistogramPart = "bucket" | "sum" | "count";

function quote(value: string): string {
  return JSON.stringify(value);
}

function matcherText(label: string, matcher: Matcher | readonly Matcher[]): string {
  if (Array.isArray(matcher)) return (matcher as readonly Matcher[]).map((one) => matcherText(label, one)).join(",");
  const single = matcher as Matcher;
  return typeof single === "string" ? `${label}=${quote(single)}` : `${label}${single.op}${quote(single.value)}`;
}

/** A vector selector for a catalogue metric, e.g. `rsolv_billing_payment_processed_total{namespace="x",status="failed"}`. */
export function select(metric: MetricDefinition, matchers: Matchers = {}, part?: HistogramPart): string {
  if (part && metric.type !== "histogram") throw new Error(`${metric.name} is a ${metric.type}, it has no _${part} series`);
  if (!part && metric.type === "histogram") throw new Error(`${metric.name} is a histogram: select its bucket, sum or count series`);
  const name = part ? `${metric.name}_${part}` : metric.name;
  const body = Object.entries(matchers)
    .map(([label, matcher]) => matcherText(label, matcher))
    .join(",");
  return body ? `${name}{${body}}` : name;
}

/** A recorded series, by name, with optional matchers. */
export function recorded(name: string, matchers: Matchers = {}): string {
  const body = Object.entries(matchers)
    .map(([label, matcher]) => matcherText(label, matcher))
    .join(",");
  return body ? `${name}{${body}}` : name;
}

export const rate = (selector: string, window: string): string => `rate(${selector}[${window}])`;
export const increase = (selector: string, window: string): string => `increase(${selector}[${window}])`;

/** `sum by (labels) (expr)`; no labels gives a plain `sum(expr)`. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length > 0 ? `sum by (${labels.join(", ")}) (${expr})` : `sum(${expr})`;
}

export function histogramQuantile(quantile: number, bucketRates: string): string {
  return `histogram_quantile(${quantile}, ${bucketRates})`;
}

/** A number as PromQL reads it: plain decimal, no exponent. */
export function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}

/**
 * Events a counter counted over `window`, seeing series that appear inside it. The app exports a counter series
 * only from its first event on, at 1 (a customer's first failed payment, every series of a restarted pod), and
 * `increase()` needs two samples of a series, so it never counts the event that created the series.
 *
 * - A series with samples in the window before this one existed already: `increase()` over the window counts it,
 *   resets (a restarted container keeps its labels) included.
 * - A series with none is new: every event it counted happened inside the window, so its last value is the count.
 *
 * Limit: a series whose samples are missing for a whole window (a scrape or Prometheus outage at least that long)
 * looks new once scraping resumes, and its whole value is counted once, for one window.
 */
export function countIn(selector: string, window: string): string {
  return `(last_over_time(${selector}[${window}]) unless present_over_time(${selector}[${window}] offset ${window}))\nor\nincrease(${selector}[${window}])`;
}

/** A count over a window as a per-second rate: `(count) / seconds`. */
export function perSecond(count: string, window: { readonly seconds: number }): string {
  return `(${count}) / ${window.seconds}`;
}

/**
 * The integral of a recorded per-second rate over `range`, from its samples every `evaluationSeconds`: the events
 * in the range. Reading the recorded series keeps a panel over 24 h to a few series.
 */
export function recordedCount(series: string, range: string, evaluationSeconds: number): string {
  return `sum_over_time(${series}[${range}]) * ${evaluationSeconds}`;
}
