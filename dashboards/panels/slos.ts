/** The SLO row: error budget remaining over the period, and how fast each budget burns. */
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import { clean, SLO_NAMES, sloObjectives, sloRecords, sloWindows } from "../../alerts/slo";
import type { BillingConfig } from "../../config";
import { describeDuration } from "../../common/duration";
import { recorded } from "../../promql/index";
import { instantQuery, rangeQuery, thresholds } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

const refId = (i: number): string => String.fromCharCode(65 + i);

export function sloBudgetRemaining(cfg: BillingConfig): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .id(PANEL_IDS.sloBudgetRemaining)
    .title("SLO Error Budget Remaining")
    .description(`Share of each SLO's error budget left over the last ${describeDuration(sloWindows(cfg).period)}; below 0 the objective is missed.`)
    .unit("percentunit")
    .colorMode(common.BigValueColorMode.Background)
    .thresholds(thresholds([{ value: 0, color: "orange" }, { value: 0.25, color: "green" }], "red"))
    .targets(SLO_NAMES.map((slo, i) => instantQuery(recorded(sloRecords(sloWindows(cfg)).budgetRemaining, { namespace: cfg.appNamespace, slo }), slo, refId(i))));
}

export function sloBurnRate(cfg: BillingConfig): timeseries.PanelBuilder {
  const objectives = sloObjectives(cfg);
  const windows = sloWindows(cfg);
  const [fast, slow] = windows.page;
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.sloBurnRate)
    .title(`SLO Burn Rate (${fast.long.text})`)
    .description(
      `How many times faster than its objective allows each SLO spends its error budget, over the last ${describeDuration(fast.long)}. ` +
        `Above ${fast.burnRate} (red) for ${fast.long.text}, or ${slow.burnRate} (orange) for ${slow.long.text}, it pages.`,
    )
    .unit("short")
    .min(0)
    .thresholds(thresholds([{ value: slow.burnRate, color: "orange" }, { value: fast.burnRate, color: "red" }]))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
    .targets(
      SLO_NAMES.map((slo, i) =>
        rangeQuery(`${recorded(sloRecords(windows).errorRatio(fast.long), { namespace: cfg.appNamespace, slo })} / ${clean(1 - objectives[slo])}`, slo, refId(i)),
      ),
    );
}
