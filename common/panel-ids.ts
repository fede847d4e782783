/**
 * The billing dashboard's table of contents: its rows, and each panel's permanent id and place on the grid, in the
 * order they are drawn. A panel is its builder (dashboards/panels/, a function named by its key) and its line here.
 * Alerts link to `…/d/<uid>?viewPanel=<id>`, so an id, once given, is never reused for another panel; row ids are
 * apart from the panels' so neither can take the other's.
 */
export const ROWS = {
  alerts: { id: 101, title: "Firing alerts" },
  slos: { id: 107, title: "Service level objectives" },
  subscriptionsAndRevenue: { id: 102, title: "Subscriptions and revenue" },
  payments: { id: 103, title: "Payments" },
  usage: { id: 104, title: "Usage and customers" },
  subscriptionHealth: { id: 105, title: "Subscription health" },
  creditsAndWebhooks: { id: 106, title: "Credits and webhooks" },
} as const;

export type RowKey = keyof typeof ROWS;

/** A panel's place: its row, its width of the grid's 24 columns, and its height by kind (dashboards/common.ts HEIGHT). */
export interface PanelPlace {
  readonly id: number;
  readonly row: RowKey;
  readonly columns: number;
  readonly height: "stat" | "chart" | "table";
}

export const PANELS = {
  firingAlerts: { id: 12, row: "alerts", columns: 24, height: "table" },
  sloBudgetRemaining: { id: 13, row: "slos", columns: 12, height: "stat" },
  sloBurnRate: { id: 14, row: "slos", columns: 12, height: "stat" },
  subscriptionCreationRate: { id: 1, row: "subscriptionsAndRevenue", columns: 12, height: "chart" },
  paymentSuccessRate: { id: 2, row: "subscriptionsAndRevenue", columns: 6, height: "chart" },
  revenueByPlan: { id: 3, row: "subscriptionsAndRevenue", columns: 6, height: "chart" },
  paymentDuration: { id: 4, row: "payments", columns: 12, height: "chart" },
  failedPaymentsByReason: { id: 7, row: "payments", columns: 12, height: "chart" },
  fixesConsumed: { id: 5, row: "usage", columns: 12, height: "chart" },
  conversionFunnel: { id: 6, row: "usage", columns: 12, height: "chart" },
  cancellationRate: { id: 8, row: "subscriptionHealth", columns: 12, height: "chart" },
  activeSubscriptions: { id: 9, row: "subscriptionHealth", columns: 12, height: "chart" },
  creditsOverview: { id: 10, row: "creditsAndWebhooks", columns: 12, height: "chart" },
  webhookHealth: { id: 11, row: "creditsAndWebhooks", columns: 12, height: "chart" },
} as const satisfies Record<string, PanelPlace>;

export type PanelKey = keyof typeof PANELS;

/** Each panel's id, by key: what alerts and panels link by. */
export const PANEL_IDS = Object.fromEntries(Object.entries(PANELS).map(([key, panel]) => [key, panel.id])) as { readonly [K in PanelKey]: (typeof PANELS)[K]["id"] };

/** Each row's id, by key. */
export const ROW_IDS = Object.fromEntries(Object.entries(ROWS).map(([key, row]) => [key, row.id])) as { readonly [K in RowKey]: (typeof ROWS)[K]["id"] };
