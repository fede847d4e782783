/** Usage and credit panels. */
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import type { BillingConfig } from "../../config";
import { METRICS } from "../../metrics";
import { rate, recorded, sumBy } from "../../promql";
import { records } from "../../records";
import { allCustomers, chosenCustomers, DATASOURCE, forCustomers, HEIGHT, panelSelect, RATE_INTERVAL, rangeQuery } from "../common";
import { PANEL_IDS } from "../panel-ids";

export function fixesConsumed(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.fixesConsumed)
    .title("Usage Tracking: Fixes Consumed")
    .description("Fixes consumed per second, by plan.")
    .datasource(DATASOURCE)
    .unit("cps")
    .height(HEIGHT.chart)
    .span(12)
    .withTarget(
      rangeQuery(
        forCustomers(sumBy(["plan"], recorded(records(cfg).fixesConsumed, allCustomers(cfg))), sumBy(["plan"], rate(chosenCustomers(cfg, METRICS.fixesConsumed), RATE_INTERVAL))),
        "{{plan}}",
      ),
    );
}

export function creditsOverview(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.creditsOverview)
    .title("Credit System Overview")
    .description("Credits granted versus credits consumed, per second. BillingCreditGrantAnomalyDetected watches the size of single grants.")
    .datasource(DATASOURCE)
    .unit("cps")
    .height(HEIGHT.chart)
    .span(12)
    .targets([
      rangeQuery(sumBy([], rate(panelSelect(cfg, METRICS.creditsAdded, {}, "sum"), RATE_INTERVAL)), "added", "A"),
      rangeQuery(sumBy([], rate(panelSelect(cfg, METRICS.creditsConsumed, {}, "sum"), RATE_INTERVAL)), "consumed", "B"),
    ]);
}
