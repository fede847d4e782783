/**
 * Which routes of an Alertmanager configuration an alert lands on, written after Alertmanager's dispatch/route.go:
 * depth first, the first matching child wins unless it sets `continue`. It throws on any route field it does not
 * implement, so a configuration using more than it knows cannot pass by accident. The tests hold it to amtool's
 * answers (test/alerts/routing-semantics.program.test.ts); `npm run verify` routes alerts through a running Alertmanager's
 * configuration with it, where amtool may not be installed.
 */
import type { Route } from "../../alerts/routing";

export type Labels = Readonly<Record<string, string>>;

export interface Matcher {
  readonly name: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

/** `name="value"` with one of the four operators; the value as Alertmanager quotes it (a JSON-style string). */
export function parseMatcher(text: string): Matcher {
  const match = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(".*")\s*$/.exec(text);
  if (!match) throw new Error(`matcher not understood by the evaluator: ${text}`);
  return { name: match[1], op: match[2] as Matcher["op"], value: JSON.parse(match[3]) as string };
}

/** A missing label reads as the empty string, as in Alertmanager; regular expressions are anchored. */
function matches(matcher: Matcher, labels: Labels): boolean {
  const actual = labels[matcher.name] ?? "";
  switch (matcher.op) {
    case "=":
      return actual === matcher.value;
    case "!=":
      return actual !== matcher.value;
    case "=~":
      return new RegExp(`^(?:${matcher.value})$`).test(actual);
    case "!~":
      return !new RegExp(`^(?:${matcher.value})$`).test(actual);
  }
}

const matchesAll = (matchers: readonly string[] | undefined, labels: Labels): boolean =>
  (matchers ?? []).every((text) => matches(parseMatcher(text), labels));

const ROUTE_FIELDS = new Set(["receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval", "active_time_intervals", "continue", "routes"]);

/**
 * The routes an alert is dispatched to, each as its path from the top route: depth first, the first matching child
 * wins unless it sets `continue`; a route none of whose children match takes the alert itself.
 */
export function matchingPaths(route: Route, labels: Labels): Route[][] {
  for (const key of Object.keys(route)) if (!ROUTE_FIELDS.has(key)) throw new Error(`route field not implemented by the evaluator: ${key}`);
  if (!matchesAll(route.matchers, labels)) return [];
  const found: Route[][] = [];
  for (const child of route.routes ?? []) {
    const below = matchingPaths(child, labels);
    found.push(...below.map((path) => [route, ...path]));
    if (below.length > 0 && !child.continue) break;
  }
  return found.length > 0 ? found : [[route]];
}

/** The routes an alert is dispatched to (the last route of each {@link matchingPaths}). */
export function matchingRoutes(route: Route, labels: Labels): Route[] {
  return matchingPaths(route, labels).map((path) => path[path.length - 1]);
}

/** What an alert's notifications follow on one route it lands on: each setting as that route has it or inherits it. */
export interface Dispatch {
  readonly receiver: string;
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly active_time_intervals?: readonly string[];
}

/** Every route an alert lands on, with its inherited settings (`active_time_intervals` is the route's own, as in Alertmanager). */
export function dispatches(route: Route, labels: Labels): Dispatch[] {
  return matchingPaths(route, labels).map((path) => {
    const inherited = Object.assign({}, ...path.map(({ receiver, group_by, group_wait, group_interval, repeat_interval }) => Object.fromEntries(Object.entries({ receiver, group_by, group_wait, group_interval, repeat_interval }).filter(([, value]) => value !== undefined)))) as Dispatch;
    const leaf = path[path.length - 1];
    return { ...inherited, ...(leaf.active_time_intervals ? { active_time_intervals: leaf.active_time_intervals } : {}) };
  });
}

