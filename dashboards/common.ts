/**
 * The shared look of the billing dashboards and the one query helper: every panel query is built here from
 * catalogue metrics, the stack's namespace and the dashboard variables.
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";

import type { BillingConfig } from "../config";
import type { MetricDefinition } from "../promql/metrics";
import { type HistogramPart, type Matchers, notRegex, regex, select } from "../promql/index";
import { DATASOURCE, VARIABLE_LABELS } from "./variables";

export { DATASOURCE };

/** Grafana's rate window: at least 4 scrape intervals at any zoom. */
export const RATE_INTERVAL = "$__rate_interval";

/** Panel heights, in grid units (the grid is 24 wide). */
export const HEIGHT = { stat: 6, chart: 8, table: 8 } as const;

/**
 * The matchers a panel query applies to a catalogue metric: the stack's app namespace, and each dashboard variable
 * whose label the metric has (a metric without `customer_id` is not filtered by it).
 */
export function panelMatchers(cfg: BillingConfig, metric: MetricDefinition, extra: Matchers = {}): Matchers {
  const variables = Object.fromEntries(
    VARIABLE_LABELS.filter((label) => metric.labels.includes(label)).map((label) => [label, regex(`$${label}`)]),
  );
  return { namespace: cfg.appNamespace, ...variables, ...extra };
}

/** A selector for a panel: catalogue metric + stack namespace + variables + extra matchers. */
export function panelSelect(cfg: BillingConfig, metric: MetricDefinition, extra: Matchers = {}, part?: HistogramPart): string {
  return select(metric, panelMatchers(cfg, metric, extra), part);
}

/** A range query (time series). */
export function rangeQuery(expr: string, legend: string, refId = "A"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).range().refId(refId);
}

/** An instant query (gauges, pie charts, bar gauges, tables). */
export function instantQuery(expr: string, legend: string, refId = "A"): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder().datasource(DATASOURCE).expr(expr).legendFormat(legend).instant().refId(refId);
}

/** Thresholds: green from the base, then each step's colour from its value. */
export function thresholds(steps: readonly { value: number; color: string }[], base = "green"): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map((step) => ({ value: step.value, color: step.color }))]);
}

/**
 * Reading a day of a high-cardinality counter at every refresh costs seconds; its recorded series (one per plan and
 * status, written by the rules every evaluation) cost milliseconds. So a panel over such a counter asks for both and
 * gets one, by how Grafana writes the customer variable (`.*` for All, `(cus_1|cus_2)` for a choice):
 * - the recorded series carry no `customer_id`, and `customer_id=~"$customer_id"` matches a missing label only when
 *   it is `.*`: they answer for All;
 * - the raw series also get `customer_id!~"${customer_id}.+"`, which with `.*` excludes every series that has a
 *   customer (Prometheus resolves it from its index, without reading a sample): they answer for a choice.
 * The raw side counts with `rate()` over Grafana's rate interval, so for a chosen customer a series' first event
 * shows from its second sample on.
 */
export function forCustomers(recorded: string, raw: string): string {
  return `${recorded}\nor\n${raw}`;
}

/** Matchers of a recorded series in {@link forCustomers}: they match only while the variable is All. */
export function allCustomers(cfg: BillingConfig, extra: Matchers = {}): Matchers {
  return { namespace: cfg.appNamespace, plan: regex("$plan"), customer_id: regex("$customer_id"), ...extra };
}

/** A raw selector in {@link forCustomers}: it matches only chosen customers. */
export function chosenCustomers(cfg: BillingConfig, metric: MetricDefinition, extra: Matchers = {}, part?: HistogramPart): string {
  return select(metric, { ...panelMatchers(cfg, metric, extra), customer_id: [regex("$customer_id"), notRegex("${customer_id}.+")] }, part);
}
