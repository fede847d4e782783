/** The billing alerts that are firing now. */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as table from "@grafana/grafana-foundation-sdk/table";

import { alertRules, buildRuleGroups } from "../../alerts";
import type { Severity } from "../../alerts/types";
import type { BillingConfig } from "../../config";
import { SYNTHETIC_METRICS } from "../../promql/metrics";
import { regex, select } from "../../promql/index";
import { instantQuery } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

const SEVERITY_COLORS: Record<Severity, string> = { critical: "red", warning: "orange", info: "blue" };

export function firingAlerts(cfg: BillingConfig): table.PanelBuilder {
  // ALERTS holds every alert Prometheus evaluates; the stack's own alert names keep other teams' alerts out.
  const names = [...new Set(alertRules(buildRuleGroups(cfg)).map((rule) => rule.alert))];
  return new table.PanelBuilder()
    .id(PANEL_IDS.firingAlerts)
    .title("Firing Billing Alerts")
    .description(
      `Billing alerts of ${cfg.environment} that are firing now, one row each, from Prometheus' ALERTS series. ` +
        "The Watchdog is always there: when it is missing, Prometheus does not evaluate the billing rules.",
    )
    .unit("short")
    .withTarget(
      instantQuery(
        select(SYNTHETIC_METRICS.alerts, { alertname: regex(names.join("|")), alertstate: "firing", environment: cfg.environment }),
        "{{alertname}}",
      ).format(prometheus.PromQueryFormat.Table),
    )
    // One row per alert with its labels; the sample's time and value (always 1) say nothing.
    .withTransformation({
      id: "organize",
      options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true }, indexByName: { alertname: 0, severity: 1 } },
    })
    .overrideByName("severity", [
      {
        id: "mappings",
        value: [
          {
            type: dashboard.MappingType.ValueToText,
            options: Object.fromEntries(Object.entries(SEVERITY_COLORS).map(([severity, color], index) => [severity, { color, index }])),
          },
        ],
      },
      { id: "custom.cellOptions", value: { type: "color-background" } },
    ]);
}
