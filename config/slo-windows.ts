/**
 * The SLO burn-rate windows for a stack's `sloPeriod`: the table, scaled to the period. Config checks the shortest
 * against the scrape interval; alerts/slo.ts records and alerts over them; the dashboard draws them.
 */
import type { BillingConfig } from "./index";
import { duration, durationFromSeconds, type Duration } from "../common/duration";

export interface BurnWindow {
  readonly long: Duration;
  readonly short: Duration;
  /** How many times faster than the budget allows the errors arrive: budget share × period / long window. */
  readonly burnRate: number;
}

export type AlertKind = "page" | "ticket";

/** The period the table below is written for. */
export const TABLE_PERIOD = duration("30d");

/**
 * The burn-rate windows of a 30-day budget, from the SRE workbook ("Alerting on SLOs", recommended parameters for
 * multiwindow multi-burn-rate alerts) as Sloth ships them (`internal/alert/windows/google-30d.yaml`): a page when
 * 2 % of the budget goes in 1 h or 5 % in 6 h; a ticket when 10 % goes in 1 day or in 3 days. Each long window is
 * paired with a short one, 1/12 of it, so the alert resets soon after the errors stop.
 */
export const BURN_WINDOWS: Readonly<Record<AlertKind, readonly BurnWindow[]>> = {
  page: [
    { long: duration("1h"), short: duration("5m"), burnRate: 14.4 },
    { long: duration("6h"), short: duration("30m"), burnRate: 6 },
  ],
  ticket: [
    { long: duration("1d"), short: duration("2h"), burnRate: 3 },
    { long: duration("3d"), short: duration("6h"), burnRate: 1 },
  ],
};

export interface SloWindows {
  readonly period: Duration;
  /** The shortest window, which every SLI is counted over. */
  readonly base: Duration;
  readonly page: readonly BurnWindow[];
  readonly ticket: readonly BurnWindow[];
  /** Every window an error ratio is recorded for, ascending: the table's windows and the period. */
  readonly recorded: readonly Duration[];
}

/**
 * The table's windows for the stack's `sloPeriod`, each scaled by period / 30 days as Pyrra scales its windows to
 * its period (the burn rates stay: they are shares of a budget per share of the period). At the default 30 days
 * they are the table's own.
 */
export function sloWindows(cfg: BillingConfig): SloWindows {
  const period = cfg.sloPeriod;
  const scale = (window: Duration): Duration =>
    period.seconds === TABLE_PERIOD.seconds ? window : durationFromSeconds(Math.max(1, Math.round((window.seconds * period.seconds) / TABLE_PERIOD.seconds)));
  const scaled = (pairs: readonly BurnWindow[]) => pairs.map((w) => ({ long: scale(w.long), short: scale(w.short), burnRate: w.burnRate }));
  const page = scaled(BURN_WINDOWS.page);
  const ticket = scaled(BURN_WINDOWS.ticket);
  const all = [...page, ...ticket].flatMap((w) => [w.short, w.long]).concat(period);
  const recordedWindows = [...new Map(all.map((window) => [window.seconds, window])).values()].sort((a, b) => a.seconds - b.seconds);
  return { period, base: recordedWindows[0], page, ticket, recorded: recordedWindows };
}
