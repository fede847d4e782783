/** The billing alerts that are firing now. */
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as table from "@grafana/grafana-foundation-sdk/table";

import type { BillingConfig } from "../../config";
import { SYNTHETIC_METRICS } from "../../metrics";
import { select } from "../../promql";
import { DATASOURCE, HEIGHT, instantQuery } from "../common";
import { PANEL_IDS } from "../panel-ids";

export function firingAlerts(cfg: BillingConfig): table.PanelBuilder {
  return new table.PanelBuilder()
    .id(PANEL_IDS.firingAlerts)
    .title("Firing Billing Alerts")
    .description(`Billing alerts of ${cfg.environment} that are firing now, one row each, from Prometheus' ALERTS series. The Watchdog is always there.`)
    .datasource(DATASOURCE)
    .unit("short")
    .height(HEIGHT.table)
    .span(24)
    .withTarget(
      instantQuery(select(SYNTHETIC_METRICS.alerts, { alertstate: "firing", environment: cfg.environment }), "{{alertname}}").format(prometheus.PromQueryFormat.Table),
    );
}
