/** Subscription panels: creations, cancellations, active subscriptions, the conversion funnel. */
import * as bargauge from "@grafana/grafana-foundation-sdk/bargauge";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import { percent } from "../../common/format";
import type { BillingConfig } from "../../config";
import { describeDuration } from "../../common/duration";
import { METRICS } from "../../promql/metrics";
import { increase, rate, recorded, regex, sumBy } from "../../promql/index";
import { records } from "../../alerts/records";
import { allCustomers, chosenCustomers, forCustomers, instantQuery, panelSelect, RATE_INTERVAL, rangeQuery, thresholds } from "../common";
import { PANEL_IDS } from "../../common/panel-ids";

export function subscriptionCreationRate(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.subscriptionCreationRate)
    .title("Subscription Creation Rate")
    .description("Subscriptions created per second, by plan and initial status (active, trialing, incomplete).")
    .unit("cps")
    .withTarget(
      rangeQuery(
        forCustomers(
          sumBy(["plan", "status"], recorded(records(cfg).subscriptionsCreated, allCustomers(cfg))),
          sumBy(["plan", "status"], rate(chosenCustomers(cfg, METRICS.subscriptionCreated), RATE_INTERVAL)),
        ),
        "{{plan}} / {{status}}",
      ),
    );
}

export function cancellationRate(cfg: BillingConfig): timeseries.PanelBuilder {
  const window = cfg.cancellationWindow.text;
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.cancellationRate)
    .title("Subscription Cancellation Rate")
    .description(
      `Cancellations as a share of creations over the last ${describeDuration(cfg.cancellationWindow)}. ` +
        `SubscriptionCancellationRateHigh fires above ${percent(cfg.cancellationRatio)} (the red line).`,
    )
    .unit("percentunit")
    .min(0)
    .thresholds(thresholds([{ value: cfg.cancellationRatio, color: "red" }]))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
    .withTarget(
      rangeQuery(
        forCustomers(
          // The recorded ratio is the alert's own, over every plan; the plan variable narrows the chosen-customer view.
          sumBy([], recorded(records(cfg).cancellationRatio, { namespace: cfg.appNamespace, customer_id: regex("$customer_id") })),
          `${sumBy([], increase(chosenCustomers(cfg, METRICS.subscriptionCancelled), window))}\n/\n${sumBy([], increase(chosenCustomers(cfg, METRICS.subscriptionCreated), window))}`,
        ),
        "cancelled / created",
      ),
    );
}

export function activeSubscriptions(cfg: BillingConfig): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .id(PANEL_IDS.activeSubscriptions)
    .title("Active Subscriptions by Plan")
    .description("Subscriptions currently active, by plan, as the app polls them.")
    .unit("short")
    .withTarget(rangeQuery(sumBy(["plan"], panelSelect(cfg, METRICS.subscriptionsActive)), "{{plan}}"));
}

/** Funnel stages in the order a customer goes through them. */
export const FUNNEL_STAGES = ["signed_up", "billing_added", "pro"] as const;

export function conversionFunnel(cfg: BillingConfig): bargauge.PanelBuilder {
  return new bargauge.PanelBuilder()
    .id(PANEL_IDS.conversionFunnel)
    .title("Customer Conversion Funnel")
    .description("Customers at each stage: signed up, then added a payment method, then on the Pro plan.")
    .unit("short")
    .min(0)
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    // A count of customers has no good or bad level: one colour per stage, not Grafana's default thresholds.
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.PaletteClassic))
    .targets(
      // One query per stage, so the bars keep the funnel's order.
      FUNNEL_STAGES.map((stage, i) =>
        instantQuery(sumBy([], panelSelect(cfg, METRICS.customersByFunnelStage, { stage })), stage, String.fromCharCode(65 + i)),
      ),
    );
}
