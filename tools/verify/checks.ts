/**
 * The post-deployment checks of `npm run verify`: what the stack deploys (tools/verify/expected.ts) against what a live
 * Prometheus and Alertmanager run. Each check gives one line and, when it fails, the details that say what to fix.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";

import { parse } from "yaml";

import { atLeast, OLDEST_SUPPORTED, type ServerName, VERSION_KEY } from "../../config/releases";
import { parseDuration } from "../../common/duration";
import { type Labels, matchingRoutes } from "./route-match";
import type { AlertmanagerConfig, Route } from "../../alerts/routing";
import { INTEGRATIONS } from "../../alerts/integrations";
import { RECEIVERS } from "../../alerts/routing";
import { deployedText, type Expected, isPlaceholder } from "./expected";
import { type Server, UnreachableError } from "./http";
import { sumSeries } from "./exposition";
import { canonicalExpression } from "./expression";
import { metricUses } from "./metric-usage";

export interface CheckResult {
  readonly name: string;
  readonly status: "pass" | "fail" | "skip";
  readonly summary: string;
  readonly details?: readonly string[];
  /** The check could not talk to its server (unreachable, timed out, refused the credentials). */
  readonly unreachable?: boolean;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const pass = (name: string, summary: string): CheckResult => ({ name, status: "pass", summary });
const fail = (name: string, summary: string, details: readonly string[] = []): CheckResult => ({ name, status: "fail", summary, details });

/** Runs a check; a server that cannot be reached fails it with the reason, marked so the exit code says so. */
export async function guarded(name: string, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UnreachableError) return { name, status: "fail", summary: error.message, unreachable: true };
    throw error;
  }
}

// --- Releases ------------------------------------------------------------------------------------------------------

/**
 * The live server's release against the supported range and the stack's declared one (`prometheusVersion`,
 * `alertmanagerVersion`): an older server may refuse what the stack writes for the declared release, and Alertmanager
 * refuses a whole configuration over one unknown field. `live` is what the server reports (Debian's `2.42.0+ds` too).
 */
export function releaseCheck(server: ServerName, live: string, declared: string | undefined): CheckResult {
  const title = server === "prometheus" ? "Prometheus" : "Alertmanager";
  const name = `${title} release`;
  const version = /^v?(\d+\.\d+\.\d+)/.exec(live)?.[1];
  if (!version) return fail(name, `${title} reports version ${JSON.stringify(live)}, which is not a release: cannot tell whether it reads what the stack writes`);
  if (!atLeast(version, OLDEST_SUPPORTED[server])) return fail(name, `${title} ${version} is older than the oldest supported release, ${OLDEST_SUPPORTED[server]}: upgrade it`);
  const target = declared ?? OLDEST_SUPPORTED[server];
  if (!atLeast(version, target)) {
    return fail(name, `${title} ${version} is older than the stack's ${VERSION_KEY[server]}, ${target}: what the stack writes for ${target} may be refused. Upgrade ${title}, or run: pulumi config set ${VERSION_KEY[server]} ${version}`);
  }
  return pass(name, `${title} ${version}, at least the stack's ${VERSION_KEY[server]} ${target}`);
}

// --- Prometheus ----------------------------------------------------------------------------------------------------

interface LiveRule {
  name: string;
  query: string;
  type: "alerting" | "recording";
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** An alert's `for` and `keep_firing_for`, in seconds (the latter absent before Prometheus 2.42). */
  duration?: number;
  keepFiringFor?: number;
  health: string;
  lastError?: string;
  lastEvaluation: string;
}
interface LiveGroup {
  name: string;
  file: string;
  interval: number;
  rules: LiveRule[];
}

export async function prometheusReachable(prometheus: Server): Promise<CheckResult> {
  return guarded("Prometheus reachable", async () => {
    const info = await prometheus.prometheusApi<{ version: string }>("/api/v1/status/buildinfo");
    return pass("Prometheus reachable", `${prometheus.shown} (Prometheus ${info.version})`);
  });
}

export async function prometheusRelease(prometheus: Server, expected: Expected): Promise<CheckResult> {
  return guarded("Prometheus release", async () => {
    const info = await prometheus.prometheusApi<{ version: string }>("/api/v1/status/buildinfo");
    return releaseCheck("prometheus", info.version, expected.targetReleases?.prometheus);
  });
}

/**
 * Every group and rule of the stack's rule file is loaded, with the same expression, healthy and evaluated within
 * three of its intervals; no rule the stack does not have under its group names. Where several files hold a group of
 * the same name (another environment's stack), the one most like ours is compared.
 */
export async function rulesLoaded(prometheus: Server, expected: Expected, now = Date.now()): Promise<CheckResult> {
  const name = "Rules loaded";
  return guarded(name, async () => {
    const live = (await prometheus.prometheusApi<{ groups: LiveGroup[] }>("/api/v1/rules")).groups;
    const problems: string[] = [];
    let rules = 0;
    for (const group of expected.groups) {
      const ruleName = (rule: { alert?: string; record?: string }): string => (rule.alert ?? rule.record)!;
      const ours = new Map(group.rules.map((rule) => [`${ruleName(rule)}\0${canonicalExpression(rule.expr)}`, rule]));
      const candidates = live.filter((g) => g.name === group.name);
      if (candidates.length === 0) {
        problems.push(`group ${group.name}: not loaded (Prometheus has no group of that name; is the rule file mounted, or the PrometheusRule selected?)`);
        continue;
      }
      const score = (g: LiveGroup): number => g.rules.filter((r) => ours.has(`${r.name}\0${canonicalExpression(r.query)}`)).length * 1000 + g.rules.filter((r) => group.rules.some((o) => ruleName(o) === r.name)).length;
      const match = [...candidates].sort((a, b) => score(b) - score(a))[0];
      // Rules by name and position: a rule name can repeat within a group (one record per window label).
      const remaining = [...match.rules];
      for (const rule of group.rules) {
        const at = remaining.findIndex((r) => r.name === ruleName(rule) && canonicalExpression(r.query) === canonicalExpression(rule.expr));
        const sameName = at >= 0 ? at : remaining.findIndex((r) => r.name === ruleName(rule));
        if (sameName < 0) {
          problems.push(`group ${group.name}: ${ruleName(rule)} is missing`);
          continue;
        }
        const [found] = remaining.splice(sameName, 1);
        rules++;
        if (at < 0) problems.push(`group ${group.name}: ${ruleName(rule)} runs another expression than the stack's:\n      running: ${found.query.trim()}\n      stack:   ${rule.expr.trim()}`);
        if (found.health !== "ok" || found.lastError) problems.push(`group ${group.name}: ${ruleName(rule)} is ${found.health}: ${found.lastError ?? "no error given"}`);
        const interval = parseDuration(group.interval ?? "")?.seconds ?? match.interval;
        const age = (now - Date.parse(found.lastEvaluation)) / 1000;
        if (!(age <= 3 * interval + 5)) problems.push(`group ${group.name}: ${ruleName(rule)} was last evaluated ${Number.isFinite(age) ? `${Math.round(age)} s ago` : "never"} (every ${interval} s expected)`);
      }
      for (const extra of remaining) problems.push(`group ${group.name}: ${extra.name} is loaded but not in the stack's rule file`);
    }
    const total = expected.groups.reduce((n, g) => n + g.rules.length, 0);
    return problems.length === 0
      ? pass(name, `${expected.groups.length} groups, ${total} rules, same expressions, healthy, evaluated recently`)
      : fail(name, `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${expected.groups.length} groups (${rules} of ${total} rules found)`, problems);
  });
}

/**
 * Alerting rules outside the stack's groups that fire under one of the stack's alert names for its environment: a
 * rule file left from the hand-run setup (the seed's `billing-alerts.yml` in `prometheus-config`), or a copy. Both
 * fire on the same incident, so every billing incident would page twice. Another environment's stack (its groups
 * carry its own `environment` label) is not a leftover.
 */
export function leftoverAlerts(live: readonly LiveGroup[], expected: Expected): string[] {
  const ourGroups = new Set(expected.groups.map((group) => group.name));
  const ourAlerts = new Set(expected.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : []))));
  return live.flatMap((group) =>
    ourGroups.has(group.name)
      ? []
      : group.rules
          .filter((rule) => rule.type === "alerting" && ourAlerts.has(rule.name) && [undefined, expected.environment].includes(rule.labels?.environment))
          .map(
            (rule) =>
              `${rule.name} is also defined in group ${JSON.stringify(group.name)} of ${group.file}${rule.labels?.environment ? "" : " (no environment label)"}: both rules fire on the same incident, so it pages twice. Remove that rule (docs/adopting.md)`,
          ),
  );
}

export async function noLeftoverAlerts(prometheus: Server, expected: Expected): Promise<CheckResult> {
  const name = "No other rule fires the stack's alerts";
  return guarded(name, async () => {
    const leftovers = leftoverAlerts((await prometheus.prometheusApi<{ groups: LiveGroup[] }>("/api/v1/rules")).groups, expected);
    return leftovers.length === 0
      ? pass(name, `no rule outside the stack's groups fires one of its alerts in ${expected.environment}`)
      : fail(name, `${leftovers.length} rule${leftovers.length === 1 ? "" : "s"} outside the stack's groups fire${leftovers.length === 1 ? "s" : ""} its alerts: each incident would page twice`, leftovers);
  });
}

/** A dashboard as Grafana's search API lists it. */
export interface FoundDashboard {
  readonly uid: string;
  readonly title: string;
  readonly folderTitle?: string;
  readonly url?: string;
}

/**
 * Dashboards titled like one of the stack's under another uid: a copy imported by hand (the write-up's `curl` import
 * under another uid, or into another folder), which people keep opening while the stack's own is updated.
 */
export function duplicateDashboards(found: readonly FoundDashboard[], expected: Expected): string[] {
  return expected.dashboards.flatMap((ours) =>
    found
      .filter((other) => other.title === ours.title && other.uid !== ours.uid)
      .map((other) => `"${other.title}" is also dashboard ${other.uid} in folder ${JSON.stringify(other.folderTitle ?? "General")}: a copy the stack does not update; delete it in Grafana (docs/adopting.md)`),
  );
}

export async function noDuplicateDashboards(grafana: Server, expected: Expected): Promise<CheckResult> {
  const name = "No copy of the stack's dashboards";
  return guarded(name, async () => {
    const found: FoundDashboard[] = [];
    for (const dashboard of expected.dashboards) found.push(...(await grafana.request<FoundDashboard[]>(`/api/search?type=dash-db&query=${encodeURIComponent(dashboard.title)}`)));
    const copies = duplicateDashboards(found, expected);
    const missing = expected.dashboards.filter((ours) => !found.some((other) => other.uid === ours.uid));
    if (copies.length > 0) return fail(name, `${copies.length} other dashboard${copies.length === 1 ? "" : "s"} with the stack's titles`, copies);
    if (missing.length > 0) return fail(name, `not found in Grafana: ${missing.map((d) => `${d.uid} ("${d.title}")`).join(", ")}: was the stack deployed with this grafanaUrl?`);
    return pass(name, `${expected.dashboards.map((d) => d.uid).join(", ")} found, and no other dashboard of the same title`);
  });
}

/** Every catalogue metric and label the rules and panels read has series in the app's namespace within `lookback`. */
export async function metricsPresent(prometheus: Server, expected: Expected, lookback: string): Promise<CheckResult> {
  const name = "Metrics present";
  return guarded(name, async () => {
    const uses = metricUses([
      ...expected.groups.flatMap((group) => group.rules.map((rule) => ({ reader: `rule ${rule.alert ?? rule.record}`, expr: rule.expr }))),
      ...expected.panels.flatMap((panel) => panel.queries.map((expr) => ({ reader: `panel "${panel.title}"`, expr }))),
    ]);
    const ns = JSON.stringify(expected.appNamespace);
    const count = async (selector: string): Promise<number> => {
      const result = await prometheus.prometheusApi<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(`count(last_over_time(${selector}[${lookback}]))`)}`);
      return result.result.length === 0 ? 0 : Number(result.result[0].value[1]);
    };
    const problems: string[] = [];
    for (const use of uses) {
      const readers = [...use.readers];
      const readBy = `read by ${readers.slice(0, 4).join(", ")}${readers.length > 4 ? ` and ${readers.length - 4} more` : ""}`;
      if ((await count(`${use.series}{namespace=${ns}}`)) === 0) {
        problems.push(`${use.series}: no series in namespace ${expected.appNamespace} over the last ${lookback}; ${readBy}`);
        continue;
      }
      for (const label of [...use.labels].sort()) {
        if ((await count(`${use.series}{namespace=${ns},${label}!=""}`)) === 0) problems.push(`${use.series}: no series with the label ${label} over the last ${lookback}; ${readBy}`);
      }
    }
    return problems.length === 0
      ? pass(name, `${uses.length} metrics and their labels have series in ${expected.appNamespace} over the last ${lookback}`)
      : fail(name, `${problems.length} of what the rules and panels read has no series in ${expected.appNamespace} (a counter exists from its first event: if none happened, widen --lookback)`, problems);
  });
}

/** Prometheus sends alerts to at least one Alertmanager (each replica, for a cluster). */
export async function prometheusSendsAlerts(prometheus: Server, alertmanager: Server | undefined): Promise<CheckResult> {
  const name = "Prometheus sends to Alertmanager";
  return guarded(name, async () => {
    const { activeAlertmanagers } = await prometheus.prometheusApi<{ activeAlertmanagers: { url: string }[] }>("/api/v1/alertmanagers");
    if (activeAlertmanagers.length === 0) return fail(name, "Prometheus has no active Alertmanager: check alerting.alertmanagers in its configuration (or the Prometheus CR's spec.alerting)");
    const urls = activeAlertmanagers.map((a) => a.url);
    const given = alertmanager ? new URL(alertmanager.shown).host : undefined;
    const mentioned = given && urls.some((url) => new URL(url).host === given) ? `, ${given} among them` : "";
    return pass(name, `${urls.length} Alertmanager${urls.length === 1 ? "" : "s"}${mentioned}: ${urls.join(", ")}`);
  });
}

/** A rule group in one canonical form, equal for the rule file's group and Prometheus' /api/v1/rules print of it. */
function canonicalGroup(group: { name: string; interval: number; rules: { kind: string; name: string; expr: string; for: number; keepFiringFor: number; labels: Labels; annotations: Labels }[] }): string {
  const sorted = (labels: Labels): [string, string][] => Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([group.name, group.interval, group.rules.map((rule) => [rule.kind, rule.name, canonicalExpression(rule.expr), rule.for, rule.keepFiringFor, sorted(rule.labels), sorted(rule.annotations)])]);
}

const seconds = (text: string | undefined): number => (text ? (parseDuration(text)?.seconds ?? Number.NaN) : 0);

/**
 * The rules Prometheus evaluates are the stack's, to the last label and annotation: one SHA-256 over every group of
 * the rule file in a canonical form (expressions as in "Rules loaded", durations in seconds, labels sorted), and the
 * same over the groups Prometheus loaded under those names (where two stacks share a Prometheus, the group equal to
 * ours, else the closest). Equal hashes mean the last `pulumi up` is live: the kubelet has swapped the ConfigMap and
 * the reloader has reloaded it.
 */
export async function liveRulesHash(prometheus: Server, expected: Expected): Promise<CheckResult> {
  const name = "Live rules are the stack's";
  return guarded(name, async () => {
    const live = (await prometheus.prometheusApi<{ groups: LiveGroup[] }>("/api/v1/rules")).groups;
    const ours = expected.groups.map((group) =>
      canonicalGroup({
        name: group.name,
        interval: seconds(group.interval ?? "1m"),
        rules: group.rules.map((rule) => ({ kind: rule.alert ? "alerting" : "recording", name: (rule.alert ?? rule.record)!, expr: rule.expr, for: seconds(rule.for), keepFiringFor: seconds(rule.keep_firing_for), labels: rule.labels ?? {}, annotations: rule.annotations ?? {} })),
      }),
    );
    const theirs = expected.groups.map((group, i) => {
      const candidates = live
        .filter((candidate) => candidate.name === group.name)
        .map((candidate) => canonicalGroup({ name: candidate.name, interval: candidate.interval, rules: candidate.rules.map((rule) => ({ kind: rule.type, name: rule.name, expr: rule.query, for: rule.duration ?? 0, keepFiringFor: rule.keepFiringFor ?? 0, labels: rule.labels ?? {}, annotations: rule.annotations ?? {} })) }));
      return candidates.find((candidate) => candidate === ours[i]) ?? candidates[0] ?? JSON.stringify([group.name, "not loaded"]);
    });
    const [stack, running] = [sha256(ours.join("\n")), sha256(theirs.join("\n"))];
    if (stack === running) return pass(name, `sha256 ${stack.slice(0, 12)}… over ${ours.length} groups, the same in Prometheus`);
    const changed = expected.groups.filter((_, i) => ours[i] !== theirs[i]).map((group) => `group ${group.name}: what Prometheus evaluates differs from the rule file`);
    return fail(name, `Prometheus evaluates sha256 ${running.slice(0, 12)}…, the stack's rules are ${stack.slice(0, 12)}…: not reloaded yet (the kubelet swaps a ConfigMap up to a minute or more after \`pulumi up\`; run again, or pass --wait 3m)`, changed);
  });
}

// --- Alertmanager --------------------------------------------------------------------------------------------------

/**
 * Alertmanager's `alertmanager_config_hash`: the first 48 bits of the MD5 of the configuration file it loaded, as a
 * number (its config/coordinator.go). Computed here from the rendered file, which is the ConfigMap's own bytes.
 */
export function alertmanagerConfigHash(file: string): number {
  const sum = createHash("md5").update(file).digest();
  return Number(Buffer.concat([sum.subarray(0, 6), Buffer.alloc(2)]).readBigUInt64LE());
}

/**
 * Alertmanager loaded the stack's configuration file, byte for byte, and its last reload succeeded: after a refused
 * reload it still runs the previous configuration, which "runs the stack's configuration" could not tell from a
 * partial match.
 */
export async function alertmanagerLoadedFile(alertmanager: Server, expected: Expected, settings: Readonly<Record<string, string>> = {}): Promise<CheckResult> {
  const name = "Alertmanager loaded the stack's file";
  return guarded(name, async () => {
    const metrics = await alertmanager.text("/metrics");
    if (sumSeries(metrics, "alertmanager_config_last_reload_successful") !== 1) {
      return fail(name, "Alertmanager refused its last configuration reload and still runs the previous configuration: see its log (\"Loading configuration file failed\"); AlertmanagerConfigReloadFailed fires for it");
    }
    if ("missing" in expected.alertmanager) return { name, status: "skip", summary: `last reload succeeded; the file is not compared: ${expected.alertmanager.missing}` };
    const deployed = deployedText(expected.alertmanager.text, settings);
    if ("left" in deployed) {
      const how = deployed.left === "redacted" ? "the rendered file holds a secret's marker" : `pass --setting ${deployed.left}=<its value> to compare the bytes`;
      return { name, status: "skip", summary: `last reload succeeded; the file's hash is not compared: ${how}` };
    }
    const [stack, running] = [alertmanagerConfigHash(deployed.text), sumSeries(metrics, "alertmanager_config_hash")];
    if (stack === running) return pass(name, `alertmanager_config_hash ${running} is ${shownPath(expected.alertmanager.from)}'s, and its last reload succeeded`);
    return fail(name, `alertmanager_config_hash is ${running}, ${shownPath(expected.alertmanager.from)}'s is ${stack}: not reloaded yet (the kubelet swaps a ConfigMap up to a minute or more after \`pulumi up\`; run again, or pass --wait 3m), or another file is mounted`);
  });
}

interface AlertmanagerStatus {
  cluster: { status: string; peers?: unknown[] };
  config: { original: string };
  versionInfo: { version: string };
}

/** Fields that hold a secret or a credential's value (each integration's inline one among them): never shown in a difference. */
const SECRET_FIELD = new RegExp(`(password|token|^url|auth_username|${INTEGRATIONS.map((integration) => integration.alertmanager.credentialField).join("|")})$`);
const MATCHER_LISTS = new Set(["matchers", "source_matchers", "target_matchers"]);

/**
 * Where the running configuration differs from the stack's: every field the stack sets must be there with the same
 * value (a duration by its length, as Alertmanager prints `24h` as `1d`; matchers as a set, as it sorts them; email
 * header names in any case);
 * fields only the running one has are Alertmanager's defaults or its own additions and are ignored. A secret masked
 * as `<secret>`, or a placeholder of the rendered file, matches anything.
 */
export function configDifferences(ours: unknown, running: unknown, at = ""): string[] {
  const field = at.split(".").pop()!.replace(/\[\d+\]$/, "");
  const show = (value: unknown): string => (SECRET_FIELD.test(field) ? "(value not shown)" : JSON.stringify(value));
  if (isPlaceholder(ours) || running === "<secret>") return [];
  if (typeof ours === "string" && typeof running === "string") {
    const [a, b] = [parseDuration(ours), parseDuration(running)];
    if (a && b ? a.seconds === b.seconds : ours === running) return [];
    return [`${at}: the stack has ${show(ours)}, Alertmanager runs ${show(running)}`];
  }
  if (Array.isArray(ours)) {
    if (!Array.isArray(running)) return [`${at}: the stack has a list, Alertmanager runs ${running === undefined ? "none" : show(running)}`];
    if (MATCHER_LISTS.has(field)) {
      const normalize = (list: unknown[]): string[] => list.map((m) => String(m).replace(/\s+/g, "")).sort();
      return JSON.stringify(normalize(ours)) === JSON.stringify(normalize(running)) ? [] : [`${at}: the stack has ${JSON.stringify(normalize(ours))}, Alertmanager runs ${JSON.stringify(normalize(running))}`];
    }
    if (ours.length !== running.length) return [`${at}: the stack has ${ours.length} entries, Alertmanager runs ${running.length}`];
    return ours.flatMap((item, i) => configDifferences(item, running[i], `${at}[${i}]`));
  }
  if (ours !== null && typeof ours === "object") {
    if (running === null || typeof running !== "object") return [`${at}: the stack has a block, Alertmanager runs ${running === undefined ? "none" : show(running)}`];
    // Alertmanager writes email header names in their canonical MIME form (X-PM-Message-Stream as X-Pm-Message-Stream).
    const runningValue = (key: string): unknown =>
      field === "headers" ? Object.entries(running).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1] : (running as Record<string, unknown>)[key];
    return Object.entries(ours).flatMap(([key, value]) => configDifferences(value, runningValue(key), at ? `${at}.${key}` : key));
  }
  return ours === running ? [] : [`${at}: the stack has ${show(ours)}, Alertmanager runs ${show(running)}`];
}

/** Every alert of the rule file, as Prometheus sends it: its name and labels. */
export function alertLabels(expected: Expected): Labels[] {
  return expected.groups.flatMap((group) => group.rules.filter((rule) => rule.alert).map((rule) => ({ alertname: rule.alert!, ...rule.labels })));
}

/** A file as printed: relative to the working directory when under it. */
const shownPath = (file: string): string => (path.relative(process.cwd(), file).startsWith("..") ? file : path.relative(process.cwd(), file));

const receiversOf = (route: Route, labels: Labels): string[] => matchingRoutes(route, labels).map((r) => r.receiver);

export async function alertmanagerChecks(alertmanager: Server, expected: Expected): Promise<{ results: CheckResult[]; running?: AlertmanagerConfig }> {
  let status: AlertmanagerStatus;
  try {
    status = await alertmanager.request<AlertmanagerStatus>("/api/v2/status");
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    const down = { status: "fail", summary: error.message, unreachable: true } as const;
    return { results: [{ name: "Alertmanager release", ...down }, { name: "Alertmanager runs the stack's configuration", ...down }, { name: "Alertmanager cluster ready", ...down }, { name: "Alerts route as the stack intends", ...down }] };
  }
  const running = parse(status.config.original) as AlertmanagerConfig;
  const results: CheckResult[] = [releaseCheck("alertmanager", status.versionInfo.version, expected.targetReleases?.alertmanager)];
  const configName = "Alertmanager runs the stack's configuration";
  if ("missing" in expected.alertmanager) {
    results.push({ name: configName, status: "skip", summary: `not compared: ${expected.alertmanager.missing}` });
  } else {
    const differences = configDifferences(expected.alertmanager.config, running);
    results.push(
      differences.length === 0
        ? pass(configName, `Alertmanager ${status.versionInfo.version} runs ${shownPath(expected.alertmanager.from)} (secrets masked, defaults aside)`)
        : fail(configName, `${differences.length} difference${differences.length === 1 ? "" : "s"} from ${shownPath(expected.alertmanager.from)}: is the ConfigMap mounted and was Alertmanager restarted?`, differences),
    );
  }
  const cluster = status.cluster.status;
  results.push(
    cluster === "ready" || cluster === "disabled"
      ? pass("Alertmanager cluster ready", cluster === "ready" ? `ready, ${status.cluster.peers?.length ?? 0} peer${status.cluster.peers?.length === 1 ? "" : "s"}` : "clustering disabled (a single replica)")
      : fail("Alertmanager cluster ready", `cluster is ${cluster}: its peers have not settled; wait, or check --cluster.peer on every replica`),
  );
  const routeName = "Alerts route as the stack intends";
  const ours = "config" in expected.alertmanager ? expected.alertmanager.config : undefined;
  if (!ours) {
    results.push({ name: routeName, status: "skip", summary: "not checked: no configuration of the stack to take the intended receivers from" });
  } else {
    const problems: string[] = [];
    const alerts = alertLabels(expected);
    for (const labels of alerts) {
      try {
        const [intended, actual] = [receiversOf(ours.route, labels), receiversOf(running.route, labels)];
        if (intended.join() !== actual.join()) problems.push(`${labels.alertname}: reaches ${actual.join(", ") || "nobody"}, the stack intends ${intended.join(", ")}`);
      } catch (error) {
        problems.push(`${labels.alertname}: the running routes cannot be evaluated: ${(error as Error).message}`);
      }
    }
    results.push(problems.length === 0 ? pass(routeName, `all ${alerts.length} alerts of ${expected.environment} reach their intended receivers`) : fail(routeName, `${problems.length} of ${alerts.length} alerts are misrouted`, problems));
  }
  return { results, running };
}

// --- The test alert ------------------------------------------------------------------------------------------------

export const TEST_ALERT = "BillingMonitoringTestAlert";

/** The labels of a test alert that the configuration sends to `receiver`, from the alerts of the rule file. */
export function testAlertLabels(config: AlertmanagerConfig, expected: Expected, receiver: string): Labels {
  const candidates = alertLabels(expected).map((labels) => ({ ...labels, alertname: TEST_ALERT, test: "true" }));
  const found = candidates.find((labels) => receiversOf(config.route, labels).join() === receiver);
  if (!found) {
    const reachable = [...new Set(candidates.flatMap((labels) => receiversOf(config.route, labels)))].sort();
    throw new Error(`no alert of the ${expected.environment} rule file reaches receiver ${receiver} alone; receivers its alerts reach: ${reachable.join(", ")}`);
  }
  return found;
}

/** The receiver a test alert goes to by default: the stack's info receiver, or the non-paging one where it does not page. */
export function defaultTestReceiver(config: AlertmanagerConfig, expected: Expected): string {
  const info = alertLabels(expected).find((labels) => labels.severity === "info");
  const reached = info ? receiversOf(config.route, { ...info, alertname: TEST_ALERT }) : [];
  return reached.length === 1 ? reached[0] : RECEIVERS.info;
}

/** What the test alert's delivery is judged by: where it goes, which integration sends, and how its group flushes. */
export interface TestAlertPlan {
  readonly labels: Labels;
  readonly receiver: string;
  /** The integration whose notification counter shows the send (`email`, `slack`, …). */
  readonly integration: string;
  /** The route's group_interval, in seconds: a resolution is sent at the group's next flush. */
  readonly groupIntervalSeconds: number;
}

/** The test alert for `receiver`: labels that route there, its first integration, and its route's group interval. */
export function planTestAlert(config: AlertmanagerConfig, expected: Expected, receiver: string): TestAlertPlan {
  const labels = testAlertLabels(config, expected, receiver);
  const found = config.receivers.find((r) => r.name === receiver);
  const kind = found ? Object.keys(found).find((key) => key.endsWith("_configs")) : undefined;
  if (!kind) throw new Error(`receiver ${receiver} sends nothing (it has no *_configs): choose another with --receiver`);
  let interval = "5m";
  const walk = (route: Route, inherited: string): void => {
    const own = route.group_interval ?? inherited;
    if (matchingRoutes(route, labels).length > 0 && route.receiver === receiver) interval = own;
    for (const child of route.routes ?? []) walk(child, own);
  };
  walk(config.route, config.route.group_interval ?? "5m");
  return { labels, receiver, integration: kind.replace(/_configs$/, ""), groupIntervalSeconds: parseDuration(interval)?.seconds ?? 300 };
}

/**
 * Posts a test alert that routes to the plan's receiver, waits until Alertmanager reports a notification of its
 * integration sent (a finished request that did not fail: `alertmanager_notification_requests_total` grows more
 * than `…_failed_total`; a failed request ends the wait with the failure), then resolves it and, when the group
 * flushes within the timeout, waits for that notification too. Alertmanager 0.25 counts by integration only, so
 * another notification of the same integration at the same moment would also count.
 */
export async function sendTestAlert(alertmanager: Server, plan: TestAlertPlan, timeoutMs: number, progress: (line: string) => void): Promise<CheckResult> {
  const name = "Test alert delivered";
  const { labels, receiver, integration } = plan;
  return guarded(name, async () => {
    const counts = async (): Promise<{ sent: number; failed: number }> => {
      const metrics = await alertmanager.text("/metrics");
      const match = { integration, ...(metrics.includes("receiver_name=") ? { receiver_name: receiver } : {}) };
      // Counted when an attempt has finished (alertmanager_notifications_total counts one as it starts).
      const failed = sumSeries(metrics, "alertmanager_notification_requests_failed_total", match);
      return { sent: sumSeries(metrics, "alertmanager_notification_requests_total", match) - failed, failed };
    };
    const startsAt = new Date();
    const alert = (endsAt: Date) => ({
      labels,
      annotations: {
        summary: "TEST: npm run verify checks alert delivery; no action needed",
        description: `A test alert posted by npm run verify to check that receiver ${receiver} is notified. It is not about the billing app, and it resolves by itself.`,
      },
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    });
    const waitForSend = async (what: string, before: { sent: number; failed: number }): Promise<string | undefined> => {
      const deadline = Date.now() + timeoutMs;
      let last = Date.now();
      while (Date.now() < deadline) {
        const now = await counts();
        if (now.failed > before.failed) return `Alertmanager failed to send the ${what} notification by ${integration} (alertmanager_notification_requests_failed_total grew): see its log for the receiver's error`;
        if (now.sent > before.sent) return undefined;
        if (Date.now() - last >= 10_000) {
          progress(`  waiting for the ${what} notification to ${receiver} (${Math.round((deadline - Date.now()) / 1000)} s left)…`);
          last = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return `no ${what} notification by ${integration} within ${timeoutMs / 1000} s (the route's group_wait may be longer: raise --timeout)`;
    };
    let before = await counts();
    progress(`  posting test alert ${TEST_ALERT} for receiver ${receiver}…`);
    await alertmanager.request("/api/v2/alerts", { method: "POST", body: [alert(new Date(Date.now() + 10 * 60_000))] });
    const firing = await waitForSend("firing", before);
    before = await counts();
    progress("  resolving the test alert…");
    await alertmanager.request("/api/v2/alerts", { method: "POST", body: [alert(new Date())] });
    if (firing) return fail(name, firing);
    if (plan.groupIntervalSeconds * 1000 > timeoutMs) {
      return pass(name, `sent to ${receiver}; resolved, and its resolution is sent at the group's next flush (group_interval ${plan.groupIntervalSeconds} s, longer than --timeout)`);
    }
    const resolved = await waitForSend("resolved", before);
    return resolved ? fail(name, resolved) : pass(name, `sent to ${receiver} by ${integration}, then resolved and its resolution sent`);
  });
}
