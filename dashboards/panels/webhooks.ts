/** Stripe webhook panel. */
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import type { BillingConfig } from "../../config";
import { METRICS } from "../../metrics";
import { histogramQuantile, rate, sumBy } from "../../promql";
import { DATASOURCE, HEIGHT, panelSelect, RATE_INTERVAL, rangeQuery } from "../common";
import { PANEL_IDS } from "../panel-ids";

export function webhookHealth(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.webhookHealth)
    .title("Stripe Webhooks")
    .description(
      `Stripe webhooks received per second by outcome, and the p95 processing time (right axis). ` +
        `The webhook alerts fire on the failure share, on a p95 above ${cfg.thresholds.webhookDuration.p95Seconds}s, and when none arrive.`,
    )
    .datasource(DATASOURCE)
    .unit("cps")
    .height(HEIGHT.chart)
    .span(12)
    .targets([
      rangeQuery(sumBy(["status"], rate(panelSelect(cfg, METRICS.webhookReceived), RATE_INTERVAL)), "{{status}}", "A"),
      rangeQuery(histogramQuantile(0.95, sumBy(["le"], rate(panelSelect(cfg, METRICS.webhookDuration, {}, "bucket"), RATE_INTERVAL))), "p95 duration", "B"),
    ])
    .overrideByQuery("B", [
      { id: "unit", value: "s" },
      { id: "custom.axisPlacement", value: "right" },
    ]);
}
