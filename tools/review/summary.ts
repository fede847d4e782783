/**
 * The change summary a reviewer reads first: per stack, what a change does to alerts, to who gets which alert and
 * how often, to receivers, inhibition and time intervals, to the dashboard, the image and the resources. Built from
 * two rendered trees' data (tools/review/model.ts), never from a text diff; secrets are the marker there already.
 */
import { canonicalExpression } from "../verify/expression";
import type { Dispatch } from "../verify/route-match";
import type { AlertmanagerConfig, InhibitRule, TimeInterval } from "../../alerts/routing";
import { checkContract, type Contract, type Finding } from "./identities";
import { type AlertModel, type Comparison, destinations, type PanelModel, type StackModel } from "./model";

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;
const short = (text: string, max = 60): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const arrow = (a: string, b: string): string => `${a} → ${b}`;

/** Two long expressions as the part where they differ, with a little context: `…|Stripe…` → `…|Credit…`. */
export function queryChange(a: string, b: string, context = 24): string {
  const [x, y] = [a.replace(/\s+/g, " ").trim(), b.replace(/\s+/g, " ").trim()];
  if (x.length <= 90 && y.length <= 90) return arrow(code(x), code(y));
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end++;
  const from = Math.max(0, start - context);
  const part = (text: string): string => `${from > 0 ? "…" : ""}${text.slice(from, Math.min(text.length, text.length - end + context))}${end > context ? "…" : ""}`;
  return arrow(code(part(x)), code(part(y)));
}

/** A compared number as a reviewer reads it: a ratio as a percentage. */
function threshold(comparison: Comparison): string {
  const { left, value } = comparison;
  return /ratio/.test(left) && value > 0 && value <= 1 ? `${Number((value * 100).toPrecision(6))}%` : String(value);
}

/** The expression with its compared numbers taken out: equal when only thresholds changed. */
const shape = (alert: AlertModel): string => {
  let text = canonicalExpression(alert.expr);
  for (const comparison of alert.comparisons) text = text.replace(new RegExp(`(${comparison.op.replace(/[=<>!]/g, (c) => `\\${c}`)}) ${String(comparison.value).replace(".", "\\.")}(?![\\d.])`), "$1 #");
  return text;
};

function alertChanges(base: AlertModel, head: AlertModel): string[] {
  const parts: string[] = [];
  if (base.comparisons.length === head.comparisons.length) {
    head.comparisons.forEach((comparison, i) => {
      const before = base.comparisons[i];
      if (before.value === comparison.value && before.op === comparison.op) return;
      const what = i === 0 ? "threshold" : `${code(short(comparison.left, 50))}`;
      // The operator only when it changed: "threshold 10% → 12%".
      const [a, b] = before.op === comparison.op ? [threshold(before), threshold(comparison)] : [`${before.op} ${threshold(before)}`, `${comparison.op} ${threshold(comparison)}`];
      parts.push(`${what} ${arrow(a, b)}`);
    });
  }
  if (base.comparisons.length !== head.comparisons.length || shape(base) !== shape(head)) parts.push(`query ${queryChange(base.expr, head.expr)}`);
  if (base.for !== head.for) parts.push(`for ${arrow(base.for ?? "0s", head.for ?? "0s")}`);
  for (const key of [...new Set([...Object.keys(base.labels), ...Object.keys(head.labels)])].sort()) {
    if (base.labels[key] !== head.labels[key]) parts.push(`${key === "severity" ? "severity" : `label ${key}`} ${arrow(base.labels[key] ?? "(none)", head.labels[key] ?? "(none)")}`);
  }
  const annotations = [...new Set([...Object.keys(base.annotations), ...Object.keys(head.annotations)])].filter((key) => base.annotations[key] !== head.annotations[key]).sort();
  if (base.group !== head.group) parts.push(`group ${arrow(base.group, head.group)}`);
  if (annotations.length > 0) parts.push(`${annotations.join(", ")} reworded`);
  return parts;
}

function alertLines(base: StackModel, head: StackModel): string[] {
  const lines: string[] = [];
  for (const [name, alert] of head.alerts) {
    const before = base.alerts.get(name);
    if (!before) {
      lines.push(`- ${code(name)} added: ${alert.labels.severity ?? "no severity"}, ${alert.comparisons.length > 0 ? `threshold ${alert.comparisons[0].op} ${threshold(alert.comparisons[0])}, ` : ""}for ${alert.for ?? "0s"}`);
      continue;
    }
    const parts = alertChanges(before, alert);
    if (parts.length > 0) lines.push(`- ${code(name)} (${alert.labels.severity ?? "no severity"}): ${parts.join("; ")}`);
  }
  for (const name of base.alerts.keys()) if (!head.alerts.has(name)) lines.push(`- ${code(name)} removed`);
  if (base.recordingRules !== head.recordingRules) lines.push(`- recording rules: ${arrow(String(base.recordingRules), String(head.recordingRules))}`);
  return lines;
}

/** What one route does with an alert's notifications, setting by setting, as a reviewer reads it. */
const TIMING: readonly [keyof Dispatch, string, string][] = [
  ["group_wait", "first sent after", "30s"],
  ["group_interval", "updates every", "5m"],
  ["repeat_interval", "repeated every", "4h"],
  ["group_by", "grouped by", ""],
  ["active_time_intervals", "only during", "any time"],
];
const setting = (dispatch: Dispatch, key: keyof Dispatch, fallback: string): string => {
  const value = dispatch[key];
  return Array.isArray(value) ? value.join(", ") : ((value as string | undefined) ?? fallback);
};
const timing = (dispatch: Dispatch): string => TIMING.filter(([key]) => key !== "group_by" && (key !== "active_time_intervals" || dispatch[key])).map(([key, words, fallback]) => `${words} ${setting(dispatch, key, fallback)}`).join(", ");

const receiversOf = (dispatches: readonly Dispatch[]): string => dispatches.map((d) => d.receiver).join(" + ") || "nobody";

/**
 * Who gets each alert and how often, compared through the routing tree that routes it. Alerts with the same change
 * share one line: `billing-critical: repeated every 2h → 30m (BillingA, BillingB)`.
 */
function routingLines(base: StackModel, head: StackModel): string[] {
  if (!head.routing) return [];
  const changes = new Map<string, string[]>();
  const add = (line: string, alert: string): void => void changes.set(line, [...(changes.get(line) ?? []), alert]);
  for (const [name, dispatches] of head.routing) {
    const severity = head.alerts.get(name)?.labels.severity ?? "no severity";
    const before = base.routing?.get(name);
    if (!before) {
      if (!base.alerts.has(name)) add(`new ${severity} alert goes to ${dispatches.map((d) => `${d.receiver} (${timing(d)})`).join(" and ")}`, name);
      continue;
    }
    if (receiversOf(before) !== receiversOf(dispatches)) {
      add(`${severity}: ${arrow(receiversOf(before), receiversOf(dispatches))}`, name);
      continue;
    }
    dispatches.forEach((dispatch, i) => {
      const changed = TIMING.filter(([key, , fallback]) => setting(before[i], key, fallback) !== setting(dispatch, key, fallback)).map(([key, words, fallback]) => `${words} ${arrow(setting(before[i], key, fallback), setting(dispatch, key, fallback))}`);
      if (changed.length > 0) add(`${dispatch.receiver} (${severity}): ${changed.join(", ")}`, name);
    });
  }
  return [...changes].map(([line, alerts]) => `- ${line}: ${alerts.map(code).join(", ")}`);
}

const inhibition = (rule: InhibitRule): string => `${rule.source_matchers.join(", ")} mutes ${rule.target_matchers.join(", ")}${rule.equal.length > 0 ? ` (same ${rule.equal.join(", ")})` : ""}`;
/** A time interval in words; every field optional, as Alertmanager takes it (a base's `weekends` has days alone). */
const interval = (entry: TimeInterval): string =>
  entry.time_intervals
    .map((range: Partial<TimeInterval["time_intervals"][number]> & Record<string, unknown>) =>
      [range.weekdays?.join(", "), range.times?.map((t) => `${t.start_time}–${t.end_time}`).join(", "), ...["days_of_month", "months", "years"].map((key) => (Array.isArray(range[key]) ? `${key} ${(range[key] as string[]).join(", ")}` : undefined)), range.location]
        .filter(Boolean)
        .join(" "),
    )
    .join("; ");

function configLines(base: AlertmanagerConfig | undefined, head: AlertmanagerConfig | undefined): string[] {
  if (!base && !head) return [];
  if (!base) return ["- this stack now writes the Alertmanager configuration"];
  if (!head) return ["- this stack no longer writes the Alertmanager configuration"];
  const lines: string[] = [];
  const named = <T extends { name: string }>(list: readonly T[] | undefined): Map<string, T> => new Map((list ?? []).map((entry) => [entry.name, entry]));
  const [baseReceivers, headReceivers] = [named(base.receivers), named(head.receivers)];
  for (const [name, receiver] of headReceivers) {
    const before = baseReceivers.get(name);
    const now = destinations(receiver);
    if (!before) {
      lines.push(`- receiver ${code(name)} added: ${now.join("; ") || "sends nothing"}`);
      continue;
    }
    const was = destinations(before);
    const [added, removed] = [now.filter((d) => !was.includes(d)), was.filter((d) => !now.includes(d))];
    if (added.length + removed.length > 0) lines.push(`- receiver ${code(name)}: ${[...(added.length ? [`now also ${added.join("; ")}`] : []), ...(removed.length ? [`no longer ${removed.join("; ")}`] : [])].join("; ")}`);
  }
  for (const name of baseReceivers.keys()) if (!headReceivers.has(name)) lines.push(`- receiver ${code(name)} removed`);
  const [baseRules, headRules] = [base.inhibit_rules.map(inhibition), head.inhibit_rules.map(inhibition)];
  for (const rule of headRules) if (!baseRules.includes(rule)) lines.push(`- inhibition added: ${rule}`);
  for (const rule of baseRules) if (!headRules.includes(rule)) lines.push(`- inhibition removed: ${rule}`);
  const [baseIntervals, headIntervals] = [named(base.time_intervals), named(head.time_intervals)];
  for (const [name, entry] of headIntervals) {
    const before = baseIntervals.get(name);
    if (!before) lines.push(`- time interval ${code(name)} added: ${interval(entry)}`);
    else if (interval(before) !== interval(entry)) lines.push(`- time interval ${code(name)}: ${arrow(interval(before), interval(entry))}`);
  }
  for (const name of baseIntervals.keys()) if (!headIntervals.has(name)) lines.push(`- time interval ${code(name)} removed`);
  for (const key of [...new Set([...Object.keys(base.global), ...Object.keys(head.global)])].sort()) {
    const [a, b] = [(base.global as unknown as Record<string, unknown>)[key], (head.global as unknown as Record<string, unknown>)[key]];
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`- global ${key}: ${arrow(String(a ?? "(none)"), String(b ?? "(none)"))}`);
  }
  return lines;
}

function panelLines(base: ReadonlyMap<string, PanelModel>, head: ReadonlyMap<string, PanelModel>): string[] {
  const lines: string[] = [];
  for (const [title, panel] of head) {
    const before = base.get(title);
    if (!before) {
      lines.push(`- panel "${title}" added (${panel.type}, ${panel.queries.length} ${panel.queries.length === 1 ? "query" : "queries"})`);
      continue;
    }
    const parts: string[] = [];
    if (before.type !== panel.type) parts.push(`type ${arrow(before.type, panel.type)}`);
    const count = Math.max(before.queries.length, panel.queries.length);
    for (let i = 0; i < count; i++) {
      const [a, b] = [before.queries[i], panel.queries[i]];
      if (a === undefined) parts.push(`query added ${code(short(b, 90))}`);
      else if (b === undefined) parts.push(`query removed ${code(short(a, 90))}`);
      else if (canonicalExpression(a) !== canonicalExpression(b)) parts.push(`query ${queryChange(a, b)}`);
    }
    if (before.thresholds.join(", ") !== panel.thresholds.join(", ")) parts.push(`thresholds ${arrow(before.thresholds.join(", ") || "none", panel.thresholds.join(", ") || "none")}`);
    if (parts.length > 0) lines.push(`- panel "${title}": ${parts.join("; ")}`);
  }
  for (const title of base.keys()) if (!head.has(title)) lines.push(`- panel "${title}" removed`);
  return lines;
}

function resourceLines(base: ReadonlySet<string>, head: ReadonlySet<string>): string[] {
  const added = [...head].filter((resource) => !base.has(resource)).sort();
  const removed = [...base].filter((resource) => !head.has(resource)).sort();
  return [...added.map((resource) => `- added ${code(resource)}`), ...removed.map((resource) => `- removed ${code(resource)}`)];
}

/**
 * What a change does to the stack's identities and outputs: a resource whose URN changes without an alias is
 * breaking (pulumi up deletes it and creates it again), with the alias that keeps it; one kept by an alias is a note.
 */
function identityLines(base: Contract | undefined, head: Contract | undefined): string[] {
  if (!base || !head) return [];
  const { breaking, kept } = checkContract(base, head);
  const line = (finding: Finding): string => {
    if (finding.kind === "output") return `- breaking: output ${code(finding.old)} is gone (${finding.scope}): a stack reading it gets nothing; ${finding.fix}`;
    if (!finding.now) return `- breaking: ${code(finding.old)} is gone (${finding.scope}): pulumi up would delete it`;
    return `- breaking: ${arrow(code(finding.old), code(finding.now))} (${finding.scope}): pulumi up would delete and re-create it; ${finding.fix}`;
  };
  return [...breaking.map(line), ...kept.map((finding) => `- kept by its alias: ${arrow(code(finding.old), code(finding.now!))}`)];
}

/** The sections of one stack's summary; empty when nothing it deploys changed. */
export function stackSections(base: StackModel, head: StackModel): [string, string[]][] {
  const sections: [string, string[]][] = [
    ["Alerts", alertLines(base, head)],
    ["Who gets what", routingLines(base, head)],
    ["Alertmanager configuration", configLines(base.ownConfig, head.ownConfig)],
    ["Dashboard", panelLines(base.panels, head.panels)],
    ["Image", base.image !== head.image ? [`- ${arrow(code(base.image ?? "(none)"), code(head.image ?? "(none)"))}`] : []],
    ["Resources", resourceLines(base.resources, head.resources)],
    ["Identities", identityLines(base.contract, head.contract)],
  ];
  return sections.filter(([, lines]) => lines.length > 0);
}

/** The Markdown summary of every stack, in the order given. */
export function summarize(stacks: readonly string[], base: ReadonlyMap<string, StackModel>, head: ReadonlyMap<string, StackModel>, revisions: { readonly base: string; readonly head: string }): string {
  const out = [`## Monitoring change: ${revisions.base} → ${revisions.head}`, ""];
  let changed = false;
  for (const stack of stacks) {
    const [before, after] = [base.get(stack), head.get(stack)];
    out.push(`### ${stack}`, "");
    if (!before || !after) {
      out.push(before ? "Stack removed." : "Stack added.", "");
      changed = true;
      continue;
    }
    const sections = stackSections(before, after);
    if (sections.length === 0) {
      out.push(`No change to what ${stack} deploys.`, "");
      continue;
    }
    changed = true;
    for (const [title, lines] of sections) out.push(`**${title}**`, "", ...lines, "");
  }
  if (!changed) return [`## Monitoring change: ${revisions.base} → ${revisions.head}`, "", `No change to what any stack deploys (${stacks.join(", ")}).`, ""].join("\n");
  return out.join("\n");
}
