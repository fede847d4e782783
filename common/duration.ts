/**
 * Prometheus durations (`90s`, `15m`, `1h30m`), the one unit every window, `for`, interval and timeout in this
 * project is written in. A {@link Duration} keeps the text Prometheus and Alertmanager read and the seconds our
 * checks compare, so the two cannot disagree.
 */

/** A validated Prometheus duration. */
export interface Duration {
  /** As written in config and emitted into rule files, e.g. `15m`. */
  readonly text: string;
  /** The same duration in seconds. */
  readonly seconds: number;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Units in the order Prometheus requires them (`1h30m`, never `30m1h`). */
const UNIT_ORDER = ["y", "w", "d", "h", "m", "s", "ms"];

const PART = /(\d+)(ms|[smhdwy])/g;

/** Parses a Prometheus duration; returns undefined when `text` is not one. */
export function parseDuration(text: string): Duration | undefined {
  if (!/^(\d+(ms|[smhdwy]))+$/.test(text)) return undefined;
  let seconds = 0;
  let lastUnit = -1;
  for (const [, amount, unit] of text.matchAll(PART)) {
    const order = UNIT_ORDER.indexOf(unit);
    if (order <= lastUnit) return undefined;
    lastUnit = order;
    seconds += Number(amount) * UNIT_SECONDS[unit];
  }
  return { text, seconds };
}

/** Parses a duration that the code itself spells; throws on a typo (a bug, not bad input). */
export function duration(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`not a Prometheus duration: ${text}`);
  return parsed;
}

/** Writes seconds as the shortest Prometheus duration, e.g. 5400 → `1h30m`. */
export function durationFromSeconds(totalSeconds: number): Duration {
  if (!Number.isInteger(totalSeconds) || totalSeconds <= 0) throw new Error(`not a whole positive number of seconds: ${totalSeconds}`);
  let rest = totalSeconds;
  let text = "";
  for (const unit of ["d", "h", "m", "s"]) {
    const amount = Math.floor(rest / UNIT_SECONDS[unit]);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * UNIT_SECONDS[unit];
    }
  }
  return { text, seconds: totalSeconds };
}

/** Prose for a duration in an alert or panel text: `15m` → `15 minutes`. */
export function describeDuration(d: Duration): string {
  const names: Record<string, string> = { s: "second", m: "minute", h: "hour", d: "day", w: "week", y: "year", ms: "millisecond" };
  return [...d.text.matchAll(PART)]
    .map(([, amount, unit]) => `${amount} ${names[unit]}${amount === "1" ? "" : "s"}`)
    .join(" ");
}
