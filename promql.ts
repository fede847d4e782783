/**
 * The one way rules and panels write PromQL: metric names come from the catalogue, selectors from the stack config,
 * numbers from the caller. Hand-written because no maintained TypeScript PromQL builder exists; the output is checked
 * by parsing it back with @prometheus-io/lezer-promql (test/promql-checker.ts) and by promtool.
 */
import type { MetricDefinition } from "./metrics";

/** A label matcher: a plain string means equality. */
export type Matcher = string | { readonly op: "=" | "!=" | "=~" | "!~"; readonly value: string };

export type Matchers = Readonly<Record<string, Matcher>>;

export const regex = (value: string): Matcher => ({ op: "=~", value });
export const notEqual = (value: string): Matcher => ({ op: "!=", value });

/** Which series of a histogram to select. */
export type HistogramPart = "bucket" | "sum" | "count";

function quote(value: string): string {
  return JSON.stringify(value);
}

/** A vector selector for a catalogue metric, e.g. `rsolv_billing_payment_processed_total{namespace="x",status="failed"}`. */
export function select(metric: MetricDefinition, matchers: Matchers = {}, part?: HistogramPart): string {
  if (part && metric.type !== "histogram") throw new Error(`${metric.name} is a ${metric.type}, it has no _${part} series`);
  if (!part && metric.type === "histogram") throw new Error(`${metric.name} is a histogram: select its bucket, sum or count series`);
  const name = part ? `${metric.name}_${part}` : metric.name;
  const body = Object.entries(matchers)
    .map(([label, matcher]) => (typeof matcher === "string" ? `${label}=${quote(matcher)}` : `${label}${matcher.op}${quote(matcher.value)}`))
    .join(",");
  return body ? `${name}{${body}}` : name;
}

/** A recorded series, by name, with optional matchers. */
export function recorded(name: string, matchers: Matchers = {}): string {
  const body = Object.entries(matchers)
    .map(([label, matcher]) => (typeof matcher === "string" ? `${label}=${quote(matcher)}` : `${label}${matcher.op}${quote(matcher.value)}`))
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
