/** Payment panels: success rate, revenue, processing time, failure codes. */
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as piechart from "@grafana/grafana-foundation-sdk/piechart";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import { percent } from "../../common/format";
import type { BillingConfig } from "../../config";
import { METRICS } from "../../promql/metrics";
import { histogramQuantile, increase, rate, recorded, recordedCount, sumBy } from "../../promql/index";
import { records } from "../../alerts/records";
import { allCustomers, chosenCustomers, forCustomers, instantQuery, panelSelect, RATE_INTERVAL, rangeQuery, thresholds } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

export function paymentSuccessRate(cfg: BillingConfig): gauge.PanelBuilder {
  const warning = 1 - cfg.paymentFailureWarningRatio;
  const critical = 1 - cfg.paymentFailureCriticalRatio;
  // Green from the payment SLO's objective (the seed's target: at least 95 % of payments succeed).
  const target = cfg.paymentSuccessObjective;
  return new gauge.PanelBuilder()
    .id(PANEL_IDS.paymentSuccessRate)
    .title("Payment Success Rate")
    .description(
      `Share of payments that succeeded. Target: above ${percent(target)} (green). ` +
        `Below ${percent(warning)} the failure-rate warning fires, below ${percent(critical)} the critical alert (red).`,
    )
    .unit("percentunit")
    .min(0)
    .max(1)
    .thresholds(
      thresholds(
        [
          { value: critical, color: "orange" },
          { value: warning, color: "yellow" },
          { value: target, color: "green" },
        ],
        "red",
      ),
    )
    .withTarget(
      instantQuery(
        forCustomers(
          `${sumBy([], recorded(records(cfg).payments, allCustomers(cfg, { status: "succeeded" })))}\n/\n${sumBy([], recorded(records(cfg).payments, allCustomers(cfg)))}`,
          `${sumBy([], rate(chosenCustomers(cfg, METRICS.paymentProcessed, { status: "succeeded" }), RATE_INTERVAL))}\n/\n${sumBy([], rate(chosenCustomers(cfg, METRICS.paymentProcessed), RATE_INTERVAL))}`,
        ),
        "success rate",
      ),
    );
}

export function revenueByPlan(cfg: BillingConfig): piechart.PanelBuilder {
  return new piechart.PanelBuilder()
    .id(PANEL_IDS.revenueByPlan)
    .title("Revenue by Plan (24h)")
    .description("Amount of succeeded payments over the last 24 hours, by plan, in dollars.")
    .unit("currencyUSD")
    .pieType(piechart.PieChartType.Donut)
    .displayLabels([piechart.PieChartLabels.Name, piechart.PieChartLabels.Percent])
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    // The histogram's _sum is in cents; / 100 gives dollars for the currency unit.
    .withTarget(instantQuery(`${sumBy(["plan"], increase(panelSelect(cfg, METRICS.paymentAmount, { status: "succeeded" }, "sum"), "24h"))} / 100`, "{{plan}}"));
}

export function paymentDuration(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.paymentDuration)
    .title("Payment Processing Duration (p95)")
    .description("95th percentile of the time to process a payment against Stripe, by payment method.")
    .unit("s")
    .min(0)
    .withTarget(
      rangeQuery(histogramQuantile(0.95, sumBy(["payment_method", "le"], rate(panelSelect(cfg, METRICS.paymentDuration, {}, "bucket"), RATE_INTERVAL))), "{{payment_method}}"),
    );
}

/** How many failure codes the panel lists. */
export const TOP_FAILURE_CODES = 10;

export function failedPaymentsByReason(cfg: BillingConfig): bargauge.PanelBuilder {
  return new bargauge.PanelBuilder()
    .id(PANEL_IDS.failedPaymentsByReason)
    .title("Failed Payments by Reason")
    .description(`The ${TOP_FAILURE_CODES} most frequent Stripe failure codes of failed payments in the selected time range.`)
    .unit("short")
    .min(0)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    // Every bar is a failure: one colour, not Grafana's default thresholds (red only above 80).
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Fixed).fixedColor("red"))
    .withTarget(
      instantQuery(
        `topk(${TOP_FAILURE_CODES}, ${forCustomers(
          sumBy(["failure_code"], recordedCount(recorded(records(cfg).payments, allCustomers(cfg, { status: "failed" })), "$__range", cfg.ruleEvaluationInterval.seconds)),
          sumBy(["failure_code"], increase(chosenCustomers(cfg, METRICS.paymentProcessed, { status: "failed" }), "$__range")),
        )})`,
        "{{failure_code}}",
      ),
    );
}
