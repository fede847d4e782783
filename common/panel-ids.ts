/**
 * Panel ids of the billing dashboard. Alerts link to `…/d/<uid>?viewPanel=<id>`, so an id, once given, is never
 * reused for another panel.
 */
export const PANEL_IDS = {
  subscriptionCreationRate: 1,
  paymentSuccessRate: 2,
  revenueByPlan: 3,
  paymentDuration: 4,
  fixesConsumed: 5,
  conversionFunnel: 6,
  failedPaymentsByReason: 7,
  cancellationRate: 8,
  activeSubscriptions: 9,
  creditsOverview: 10,
  webhookHealth: 11,
  firingAlerts: 12,
  sloBudgetRemaining: 13,
  sloBurnRate: 14,
} as const;

export type PanelKey = keyof typeof PANEL_IDS;

/** Row ids, apart from the panels' so neither can take the other's. */
export const ROW_IDS = {
  alerts: 101,
  subscriptionsAndRevenue: 102,
  payments: 103,
  usage: 104,
  subscriptionHealth: 105,
  creditsAndWebhooks: 106,
  slos: 107,
} as const;
