/** The billing dashboard: reads as its own table of contents. */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import type { BillingConfig } from "../config";
import { ROW_IDS } from "./panel-ids";
import { firingAlerts } from "./panels/alerts";
import { failedPaymentsByReason, paymentDuration, paymentSuccessRate, revenueByPlan } from "./panels/payments";
import { activeSubscriptions, cancellationRate, conversionFunnel, subscriptionCreationRate } from "./panels/subscriptions";
import { creditsOverview, fixesConsumed } from "./panels/usage";
import { sloBudgetRemaining, sloBurnRate } from "./panels/slos";
import { webhookHealth } from "./panels/webhooks";
import { variables } from "./variables";

/**
 * Tags of the app's deployment annotations, which the dashboard's annotation query shows. Both stacks may share one
 * Grafana, and other apps tag their deploys too: the query needs all of them (not any).
 */
export function deploymentTags(cfg: BillingConfig): string[] {
  return ["deploy", cfg.environment, cfg.app.deployment];
}

export function billingDashboard(cfg: BillingConfig): dashboard.Dashboard {
  return new dashboard.DashboardBuilder(`Billing Metrics (${cfg.environment})`)
    .uid(cfg.grafana.dashboardUid)
    .description(`Subscriptions, payments, Stripe webhooks, usage and credits of rsolv-platform in ${cfg.app.namespace}.`)
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
    .withPanel(firingAlerts(cfg))
    .withRow(new dashboard.RowBuilder("Service level objectives").id(ROW_IDS.slos))
    .withPanel(sloBudgetRemaining(cfg))
    .withPanel(sloBurnRate(cfg))
    .withRow(new dashboard.RowBuilder("Subscriptions and revenue").id(ROW_IDS.subscriptionsAndRevenue))
    .withPanel(subscriptionCreationRate(cfg))
    .withPanel(paymentSuccessRate(cfg))
    .withPanel(revenueByPlan(cfg))
    .withRow(new dashboard.RowBuilder("Payments").id(ROW_IDS.payments))
    .withPanel(paymentDuration(cfg))
    .withPanel(failedPaymentsByReason(cfg))
    .withRow(new dashboard.RowBuilder("Usage and customers").id(ROW_IDS.usage))
    .withPanel(fixesConsumed(cfg))
    .withPanel(conversionFunnel(cfg))
    .withRow(new dashboard.RowBuilder("Subscription health").id(ROW_IDS.subscriptionHealth))
    .withPanel(cancellationRate(cfg))
    .withPanel(activeSubscriptions(cfg))
    .withRow(new dashboard.RowBuilder("Credits and webhooks").id(ROW_IDS.creditsAndWebhooks))
    .withPanel(creditsOverview(cfg))
    .withPanel(webhookHealth(cfg))
    .build();
}
