/**
 * The names the stack gives its objects in the shared Alertmanager's configuration. The config checks that a base
 * configuration (alertmanagerBase) uses none of them; alerts/routing.ts builds the billing subtree with them.
 */

/** Receiver names, one per severity plus the catch-all and the heartbeat. */
export const RECEIVERS = {
  critical: "billing-critical",
  warning: "billing-warning",
  info: "billing-info",
  default: "billing-default",
  heartbeat: "heartbeat",
  /** Every alert of an environment that does not page (staging), whatever its severity. */
  nonPaging: "billing-non-paging",
  /** The Watchdog of an environment that does not page: the heartbeat is the paging environments' own. */
  nonPagingWatchdog: "non-paging-watchdog",
  /** Email failing: told by every other channel configured (Slack, PagerDuty), not by email alone. */
  emailFailing: "billing-email-failing",
} as const;

/** Every receiver of the billing subtree: a base configuration may name none of them. */
export const BILLING_RECEIVER_NAMES: readonly string[] = Object.values(RECEIVERS);

/** Without a base configuration: every alert that is not billing's, with Alertmanager's neutral email. */
export const OTHER_ALERTS_RECEIVER = "other-alerts";

export const BUSINESS_HOURS = "business-hours";
