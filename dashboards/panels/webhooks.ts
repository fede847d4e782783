/** Stripe webhook panel. */
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import type { BillingConfig } from "../../config";
import { METRICS } from "../../promql/metrics";
import { histogramQuantile, rate, sumBy } from "../../promql/index";
import { panelSelect, RATE_INTERVAL, rangeQuery, thresholds } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

export function webhookHealth(cfg: BillingConfig): timeseries.PanelBuilder {
  const { webhookDurationP95Seconds: p95Seconds } = cfg;
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.webhookHealth)
    .title("Stripe Webhooks")
    .description(
      `Stripe webhooks received per second by outcome, and the p95 processing time (right axis). ` +
        `The webhook alerts fire on the failure share, on a p95 above ${p95Seconds}s (the red line), and when none arrive.`,
    )
    .unit("cps")
    .targets([
      rangeQuery(sumBy(["status"], rate(panelSelect(cfg, METRICS.webhookReceived), RATE_INTERVAL)), "{{status}}", "A"),
      rangeQuery(histogramQuantile(0.95, sumBy(["le"], rate(panelSelect(cfg, METRICS.webhookDuration, {}, "bucket"), RATE_INTERVAL))), "p95 duration", "B"),
    ])
    .overrideByQuery("B", [
      { id: "unit", value: "s" },
      { id: "custom.axisPlacement", value: "right" },
      // The alert's p95 limit as a red line on the duration series only.
      { id: "thresholds", value: thresholds([{ value: p95Seconds, color: "red" }]).build() },
      { id: "custom.thresholdsStyle", value: { mode: common.GraphThresholdsStyleMode.Line } },
    ]);
}
