/**
 * What no binary answers about a rendered configuration: which route an alert lands on (for that route's repeat
 * interval and time intervals; its receivers are checked against amtool's) and whether a time interval is active at a
 * chosen instant. Inhibition is left to the real Alertmanager (test/helpers/alertmanager-server.ts). Written after
 * Alertmanager's dispatch/route.go and timeinterval/timeinterval.go; it throws on any field it does not implement, so
 * a configuration using more than it knows cannot pass by accident.
 */
import { type Labels, matchingRoutes } from "../../tools/verify/route-match";
import type { AlertmanagerConfig, Route, TimeInterval } from "../../alerts/routing";

export { type Labels, matchingRoutes, parseMatcher } from "../../tools/verify/route-match";

// --- Time intervals. -------------------------------------------------------------------------------------------------

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const INTERVAL_FIELDS = new Set(["times", "weekdays", "location"]);

/** `monday:friday` or `saturday` → day numbers (0 = Sunday). */
function weekdayRange(text: string): number[] {
  const [from, to = from] = text.split(":").map((day) => {
    const index = WEEKDAYS.indexOf(day.trim().toLowerCase());
    if (index < 0) throw new Error(`not a weekday: ${day}`);
    return index;
  });
  if (to < from) throw new Error(`weekday range ends before it starts: ${text}`);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
};

/** Weekday and minute of day of an instant, on the wall clock of an IANA zone. */
function wallClock(instant: Date, zone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)!.value;
  return { weekday: WEEKDAYS.indexOf(part("weekday").toLowerCase()), minute: Number(part("hour")) * 60 + Number(part("minute")) };
}

/** Whether an instant lies in a named time interval: in any of its entries, each of which needs all its fields. */
export function inTimeInterval(config: AlertmanagerConfig, name: string, instant: Date): boolean {
  const interval: TimeInterval | undefined = config.time_intervals.find((candidate) => candidate.name === name);
  if (!interval) throw new Error(`no time interval named ${name}`);
  return interval.time_intervals.some((entry) => {
    for (const key of Object.keys(entry)) if (!INTERVAL_FIELDS.has(key)) throw new Error(`time interval field not implemented by the evaluator: ${key}`);
    const clock = wallClock(instant, entry.location ?? "UTC");
    const dayOk = !entry.weekdays || entry.weekdays.some((range) => weekdayRange(range).includes(clock.weekday));
    // Start inclusive, end exclusive (timeinterval.go).
    const timeOk = !entry.times || entry.times.some((range) => clock.minute >= minutes(range.start_time) && clock.minute < minutes(range.end_time));
    return dayOk && timeOk;
  });
}

/**
 * The routes that would send the alert at `instant`: those it lands on that are active then (a route with
 * `active_time_intervals` sends only inside one of them). Inhibition is the real Alertmanager's to show.
 */
export function notifiedRoutes(config: AlertmanagerConfig, alert: Labels, instant: Date): Route[] {
  return matchingRoutes(config.route, alert).filter(
    (route) => !route.active_time_intervals || route.active_time_intervals.some((name) => inTimeInterval(config, name, instant)),
  );
}
