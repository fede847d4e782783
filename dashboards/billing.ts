/** The billing dashboard: reads as its own table of contents. */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import type { BillingConfig } from "../config";
import { type PanelKey, PANELS, type RowKey, ROWS } from "../common/panel-ids";
import { DATASOURCE, HEIGHT } from "./common";
import * as alerts from "./panels/alerts";
import * as credits from "./panels/credits";
import * as payments from "./panels/payments";
import * as slos from "./panels/slos";
import * as subscriptions from "./panels/subscriptions";
import * as usage from "./panels/usage";
import * as webhooks from "./panels/webhooks";
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

/** A panel on the stack's Prometheus, `columns` of the grid's 24 wide and `rows` high. */
function place<P extends Placeable<P>>(panel: P, columns: number, rows: number): P {
  return panel.datasource(DATASOURCE).span(columns).height(rows);
}

type PanelBuilder = Placeable<PanelBuilder> & Parameters<dashboard.DashboardBuilder["withPanel"]>[0];

/** Every panel's builder, by its key: each panel module exports its builders under the keys of common/panel-ids.ts. */
const BUILDERS: Readonly<Record<PanelKey, (cfg: BillingConfig) => PanelBuilder>> = { ...alerts, ...credits, ...payments, ...slos, ...subscriptions, ...usage, ...webhooks };

export function billingDashboard(cfg: BillingConfig): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(`Billing Metrics (${cfg.environment})`)
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
    );
  // The rows in order, each with its panels in the table's order (common/panel-ids.ts).
  for (const [row, { id, title }] of Object.entries(ROWS) as [RowKey, (typeof ROWS)[RowKey]][]) {
    builder.withRow(new dashboard.RowBuilder(title).id(id));
    for (const [key, panel] of Object.entries(PANELS) as [PanelKey, (typeof PANELS)[PanelKey]][]) {
      if (panel.row === row) builder.withPanel(place(BUILDERS[key](cfg), panel.columns, HEIGHT[panel.height]));
    }
  }
  return builder.build();
}
