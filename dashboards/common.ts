/**
 * The shared look of the billing dashboards and the one query helper: every panel query is built here from
 * catalogue metrics, the stack's namespace and the dashboard variables.
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";

import type { BillingConfig } from "../config";
import type { MetricDefinition } from "../metrics";
import { type HistogramPart, type Matchers, regex, select } from "../promql";
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
  return { namespace: cfg.app.namespace, ...variables, ...extra };
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
