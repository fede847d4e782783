/** Usage panels. */
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import type { BillingConfig } from "../../config";
import { METRICS } from "../../promql/metrics";
import { rate, recorded, sumBy } from "../../promql/index";
import { records } from "../../alerts/records";
import { allCustomers, chosenCustomers, forCustomers, RATE_INTERVAL, rangeQuery } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

export function fixesConsumed(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.fixesConsumed)
    .title("Usage Tracking: Fixes Consumed")
    .description("Fixes consumed per second, by plan.")
    .unit("cps")
    .withTarget(
      rangeQuery(
        forCustomers(sumBy(["plan"], recorded(records(cfg).fixesConsumed, allCustomers(cfg))), sumBy(["plan"], rate(chosenCustomers(cfg, METRICS.fixesConsumed), RATE_INTERVAL))),
        "{{plan}}",
      ),
    );
}
