/** The billing dashboard: reads as its own table of contents. */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import type { BillingConfig } from "../config";
import { ROW_IDS } from "../common/panel-ids";
import { DATASOURCE, HEIGHT } from "./common";
import { firingAlerts } from "./panels/alerts";
import { creditsOverview } from "./panels/credits";
import { failedPaymentsByReason, paymentDuration, paymentSuccessRate, revenueByPlan } from "./panels/payments";
import { sloBudgetRemaining, sloBurnRate } from "./panels/slos";
import { activeSubscriptions, cancellationRate, conversionFunnel, subscriptionCreationRate } from "./panels/subscriptions";
import { fixesConsumed } from "./panels/usage";
import { webhookHealth } from "./panels/webhooks";
import { variables } from "./variables";

/**
 * Tags of the app's deployment annotations, which the dashboard's annotation query shows. Both stacks may share one
 * Grafana, and other apps tag their deploys too: the query needs all of them (not any).
 */
export function deploymentTags(cfg: BillingConfig): string[] {
  return ["deploy", cfg.environment, cfg.appDeployment];
}

/** What every panel builder of the SDK offers for its data source and its place on the grid. */
interface Placeable<P> {
  datasource(ref: typeof DATASOURCE): P;
  span(columns: number): P;
  height(rows: number): P;
}

/** A panel on the stack's Prometheus, `columns` of the grid's 24 wide and `rows` high: the layout is read here. */
function place<P extends Placeable<P>>(panel: P, columns: number, rows: number): P {
  return panel.datasource(DATASOURCE).span(columns).height(rows);
}

export function billingDashboard(cfg: BillingConfig): dashboard.Dashboard {
  return new dashboard.DashboardBuilder(`Billing Metrics (${cfg.environment})`)
    .uid(cfg.dashboardUid)
    .description(`Subscriptions, payments, Stripe webhooks, usage and credits of rsolv-platform in ${cfg.appNamespace}.`)
    .tags(["billing", cfg.environment])
    .refresh("30s")
    .time({ from: "now-24h", to: "now" })
    .timezone("browser")
    // Provisioned with overwrite: an edit made in the UI is lost at the next `pulumi up`, so the UI offers none.
    .readonly()
    .variables(variables(cfg))
    .annotation(
      new dashboard.AnnotationQueryBuilder()
        .name("Deployments")
        .datasource({ type: "grafana", uid: "-- Grafana --" })
        .enable(true)
        .iconColor("blue")
        .target(new dashboard.AnnotationTargetBuilder().type("tags").tags(deploymentTags(cfg)).matchAny(false).limit(100)),
    )
    .withRow(new dashboard.RowBuilder("Firing alerts").id(ROW_IDS.alerts))
    .withPanel(place(firingAlerts(cfg), 24, HEIGHT.table))
    .withRow(new dashboard.RowBuilder("Service level objectives").id(ROW_IDS.slos))
    .withPanel(place(sloBudgetRemaining(cfg), 12, HEIGHT.stat))
    .withPanel(place(sloBurnRate(cfg), 12, HEIGHT.stat))
    .withRow(new dashboard.RowBuilder("Subscriptions and revenue").id(ROW_IDS.subscriptionsAndRevenue))
    .withPanel(place(subscriptionCreationRate(cfg), 12, HEIGHT.chart))
    .withPanel(place(paymentSuccessRate(cfg), 6, HEIGHT.chart))
    .withPanel(place(revenueByPlan(cfg), 6, HEIGHT.chart))
    .withRow(new dashboard.RowBuilder("Payments").id(ROW_IDS.payments))
    .withPanel(place(paymentDuration(cfg), 12, HEIGHT.chart))
    .withPanel(place(failedPaymentsByReason(cfg), 12, HEIGHT.chart))
    .withRow(new dashboard.RowBuilder("Usage and customers").id(ROW_IDS.usage))
    .withPanel(place(fixesConsumed(cfg), 12, HEIGHT.chart))
    .withPanel(place(conversionFunnel(cfg), 12, HEIGHT.chart))
    .withRow(new dashboard.RowBuilder("Subscription health").id(ROW_IDS.subscriptionHealth))
    .withPanel(place(cancellationRate(cfg), 12, HEIGHT.chart))
    .withPanel(place(activeSubscriptions(cfg), 12, HEIGHT.chart))
    .withRow(new dashboard.RowBuilder("Credits and webhooks").id(ROW_IDS.creditsAndWebhooks))
    .withPanel(place(creditsOverview(cfg), 12, HEIGHT.chart))
    .withPanel(place(webhookHealth(cfg), 12, HEIGHT.chart))
    .build();
}
