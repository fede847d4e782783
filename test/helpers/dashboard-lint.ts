/**
 * Our own version of the rules of Grafana's dashboard-linter (github.com/grafana/dashboard-linter) that matter for
 * this dashboard, as the linter (a Go binary) cannot be installed here. Each problem names its rule the way the
 * linter does, and the panel or variable it is about.
 */
import { checkPromQL, parser } from "./promql-checker";
import type { DashboardJson, GridPos, PanelJson } from "./dashboard-json";
import { allPanels, dataPanels } from "./dashboard-json";

/** The datasource reference every panel, target and query variable must carry. */
export const DATASOURCE_VARIABLE_REFS = ["${datasource}", "$datasource"];

/** Grafana's window variables, with stand-in seconds for the PromQL checker (`$__rate_interval` is 4 scrapes at least). */
export function windowVariables(scrapeIntervalSeconds: number): Record<string, number> {
  return { $__rate_interval: 4 * scrapeIntervalSeconds, $__range: 86400, $__interval: scrapeIntervalSeconds };
}

/**
 * Unit ids Grafana knows, the ones a billing dashboard could plausibly use (from Grafana's
 * packages/grafana-data/src/valueFormats/categories.ts: Misc, Time, Throughput, Currency).
 */
export const GRAFANA_UNITS = new Set([
  "none", "short", "percent", "percentunit", "sci", "locale",
  "ns", "µs", "ms", "s", "m", "h", "d", "dtdurationms", "dtdurations",
  "cps", "ops", "reqps", "rps", "wps", "iops", "cpm", "opm", "rpm", "wpm",
  "currencyUSD", "currencyEUR", "currencyGBP",
]);

/** Where a dashboard uses a variable: `$name`, `${name}`, `${name:format}` or `[[name]]`; Grafana's own `$__…` excluded. */
export function variablesUsed(text: string): string[] {
  const names = [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  return names.filter((name) => !name.startsWith("__"));
}

const label = (panel: PanelJson): string => `panel ${panel.id} "${panel.title ?? ""}"`;
const isVariableRef = (ref: { uid?: string } | undefined): boolean => DATASOURCE_VARIABLE_REFS.includes(ref?.uid ?? "");

/** The window of every rate()/irate() in an expression, as written (`$__rate_interval`, `5m`, …). */
export function rateWindows(expr: string): { fn: string; window: string }[] {
  // lezer-promql does not read Grafana variables as durations: stand-ins that no real window equals.
  const standIns = new Map([["$__rate_interval", "1234567s"], ["$__range", "2345678s"], ["$__interval", "3456789s"]]);
  let source = expr;
  for (const [variable, standIn] of standIns) source = source.split(variable).join(standIn);
  const back = new Map([...standIns].map(([variable, standIn]) => [standIn, variable]));
  const found: { fn: string; window: string }[] = [];
  parser.parse(source).iterate({
    enter(ref) {
      if (ref.node.type.name !== "MatrixSelector") return;
      const call = ref.node.parent?.parent;
      const identifier = call?.type.name === "FunctionCall" ? call.getChild("FunctionIdentifier") : null;
      const fn = identifier ? source.slice(identifier.from, identifier.to) : "";
      if (fn !== "rate" && fn !== "irate") return;
      const duration = ref.node.getChild("DurationExpr");
      const window = duration ? source.slice(duration.from, duration.to) : "";
      found.push({ fn, window: back.get(window) ?? window });
    },
  });
  return found;
}

export interface LintOptions {
  readonly scrapeIntervalSeconds: number;
}

export function lintDashboard(dashboard: DashboardJson, options: LintOptions): string[] {
  const problems: string[] = [];
  const variables = dashboard.templating.list;

  // template-datasource-rule: one datasource variable named `datasource`, of Prometheus datasources.
  const datasourceVariables = variables.filter((variable) => variable.type === "datasource");
  if (datasourceVariables.length !== 1 || datasourceVariables[0].name !== "datasource" || datasourceVariables[0].query !== "prometheus") {
    problems.push("template-datasource-rule: the dashboard needs one datasource variable named datasource, of type prometheus");
  }
  for (const variable of variables.filter((v) => v.type === "query")) {
    // template-datasource-rule, for the query variables' own datasource.
    if (!isVariableRef(variable.datasource)) problems.push(`template-datasource-rule: variable ${variable.name} does not read from \${datasource}`);
    // template-on-time-change-reload-rule: 2 = refresh on time range change.
    if (variable.refresh !== 2) problems.push(`template-on-time-change-reload-rule: variable ${variable.name} does not refresh on time range change`);
  }

  // uneditable-dashboard: provisioned dashboards are overwritten, edits in the UI would be lost.
  if (dashboard.editable !== false) problems.push("uneditable-dashboard: the dashboard is editable");

  for (const panel of dataPanels(dashboard)) {
    const at = label(panel);
    // panel-title-description-rule
    if (!panel.title?.trim()) problems.push(`panel-title-description-rule: ${at} has no title`);
    if (!panel.description?.trim()) problems.push(`panel-title-description-rule: ${at} has no description`);
    // panel-units-rule, for the panel and every unit an override sets.
    const units = [panel.fieldConfig?.defaults.unit, ...(panel.fieldConfig?.overrides ?? []).flatMap((o) => o.properties.filter((p) => p.id === "unit").map((p) => p.value))];
    if (!units[0]) problems.push(`panel-units-rule: ${at} has no unit`);
    for (const unit of units.filter((u) => u !== undefined)) if (!GRAFANA_UNITS.has(unit as string)) problems.push(`panel-units-rule: ${at} has unknown unit ${String(unit)}`);
    // panel-datasource-rule
    if (!isVariableRef(panel.datasource)) problems.push(`panel-datasource-rule: ${at} does not read from \${datasource}`);
    // panel-no-targets-rule
    if (!panel.targets?.length) problems.push(`panel-no-targets-rule: ${at} has no query`);
    for (const target of panel.targets ?? []) {
      const query = `${at} query ${target.refId}`;
      if (!isVariableRef(target.datasource)) problems.push(`panel-datasource-rule: ${query} does not read from \${datasource}`);
      // target-rate-interval-rule
      for (const { fn, window } of rateWindows(target.expr)) {
        if (window !== "$__rate_interval") problems.push(`target-rate-interval-rule: ${query} has ${fn}() over [${window}], not [$__rate_interval]`);
      }
      // target-counter-agg-rule, by the shared checker (it knows each metric's type from the catalogue).
      const counterProblems = checkPromQL(target.expr, { scrapeIntervalSeconds: options.scrapeIntervalSeconds, windowVariables: windowVariables(options.scrapeIntervalSeconds) }).filter(
        (problem) => /^counter .* outside rate/.test(problem),
      );
      for (const problem of counterProblems) problems.push(`target-counter-agg-rule: ${query}: ${problem}`);
    }
  }
  return problems;
}

/** Every variable a query, a variable query or a datasource reference uses but the dashboard does not define. */
export function undefinedVariables(dashboard: DashboardJson): string[] {
  const defined = new Set(dashboard.templating.list.map((variable) => variable.name));
  const uses = [
    ...dashboard.templating.list.flatMap((variable) => [
      { at: `variable ${variable.name}`, text: typeof variable.query === "string" ? variable.query : "" },
      { at: `variable ${variable.name}`, text: variable.datasource?.uid ?? "" },
    ]),
    ...dataPanels(dashboard).flatMap((panel) => [
      { at: label(panel), text: panel.datasource?.uid ?? "" },
      ...(panel.targets ?? []).flatMap((target) => [
        { at: `${label(panel)} query ${target.refId}`, text: target.expr },
        { at: `${label(panel)} query ${target.refId}`, text: target.datasource?.uid ?? "" },
      ]),
    ]),
  ];
  return uses.flatMap(({ at, text }) => variablesUsed(text).filter((name) => !defined.has(name)).map((name) => `${at} uses $${name}, which is not defined`));
}

/** Ids used by more than one panel or row. */
export function duplicateIds(dashboard: DashboardJson): number[] {
  const ids = allPanels(dashboard).map((panel) => panel.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

const overlaps = (a: GridPos, b: GridPos): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Pairs of panels (rows included) whose grid rectangles share a cell, and panels that stick out of the 24-wide grid. */
export function layoutProblems(dashboard: DashboardJson): string[] {
  // The panels of a collapsed row are laid out when it opens; the visible grid holds the top-level ones.
  const panels = dashboard.panels;
  const problems = panels.filter((p) => p.gridPos.x < 0 || p.gridPos.y < 0 || p.gridPos.w < 1 || p.gridPos.h < 1 || p.gridPos.x + p.gridPos.w > 24).map((p) => `${label(p)} lies outside the 24-wide grid`);
  panels.forEach((a, i) => panels.slice(i + 1).forEach((b) => overlaps(a.gridPos, b.gridPos) && problems.push(`${label(a)} overlaps ${label(b)}`)));
  return problems;
}
