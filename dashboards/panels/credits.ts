/** Credit panels. */
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import type { BillingConfig } from "../../config";
import { METRICS } from "../../promql/metrics";
import { PANEL_IDS } from "../../common/panel-ids";
import { rate, sumBy } from "../../promql/index";
import { panelSelect, RATE_INTERVAL, rangeQuery } from "../common";

export function creditsOverview(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.creditsOverview)
    .title("Credit System Overview")
    .description("Credits granted versus credits consumed, per second. BillingCreditGrantAnomalyDetected watches the size of single grants.")
    .unit("cps")
    .targets([
      rangeQuery(sumBy([], rate(panelSelect(cfg, METRICS.creditsAdded, {}, "sum"), RATE_INTERVAL)), "added", "A"),
      rangeQuery(sumBy([], rate(panelSelect(cfg, METRICS.creditsConsumed, {}, "sum"), RATE_INTERVAL)), "consumed", "B"),
    ]);
}
