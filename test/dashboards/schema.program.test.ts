/**
 * Each stack's dashboard JSON against Grafana's dashboard schema (generated from the foundation SDK's types, see
 * test/helpers/grafana-schema.ts), plus what no schema says: ids unique across panels and rows, no two panels on the
 * same grid cells.
 */
import type { ErrorObject } from "ajv";

import { type DashboardJson, dataPanels, deployedDashboard } from "../helpers/dashboard-json";
import { duplicateIds, layoutProblems } from "../helpers/dashboard-lint";
import { grafanaValidators, type GrafanaValidators, PANEL_PLUGINS, type PanelPlugin } from "../helpers/grafana-schema";

const errors = (list: ErrorObject[] | null | undefined): string[] => (list ?? []).map((e) => `${e.instancePath} ${e.message}${e.params && "additionalProperty" in e.params ? `: ${e.params.additionalProperty}` : ""}`);

/**
 * The dashboard schema's errors. `panels` holds panels or rows, and the schema's "one of the two" reports each
 * entry's errors against both; so the entries are checked one by one against the schema of their own type (which is
 * also stricter: a row must be a valid row), and the rest of the dashboard on its own.
 */
function dashboardErrors(validators: GrafanaValidators, dashboard: DashboardJson): string[] {
  const problems = validators.dashboard({ ...dashboard, panels: [] }) ? [] : errors(validators.dashboard.errors).map((e) => `dashboard: ${e}`);
  dashboard.panels.forEach((panel, i) => {
    const validate = panel.type === "row" ? validators.row : validators.panel;
    if (!validate(panel)) problems.push(...errors(validate.errors).map((e) => `dashboard: /panels/${i}${e}`));
  });
  return problems;
}

/** Every schema problem of a dashboard: the dashboard itself, each panel's plugin options and field config, each query. */
function schemaProblems(validators: GrafanaValidators, dashboard: DashboardJson): string[] {
  const problems = dashboardErrors(validators, dashboard);
  for (const panel of dataPanels(dashboard)) {
    const plugin = panel.type as PanelPlugin;
    if (!(plugin in PANEL_PLUGINS)) {
      problems.push(`panel ${panel.id}: no schema for panel type ${panel.type}`);
      continue;
    }
    if (!validators.options[plugin](panel.options ?? {})) problems.push(...errors(validators.options[plugin].errors).map((e) => `panel ${panel.id} options: ${e}`));
    const fieldConfig = validators.fieldConfig[plugin];
    if (fieldConfig && !fieldConfig(panel.fieldConfig?.defaults.custom ?? {})) problems.push(...errors(fieldConfig.errors).map((e) => `panel ${panel.id} custom field config: ${e}`));
    for (const { refId, ...query } of panel.targets ?? []) {
      if (!validators.prometheusQuery({ refId, ...query })) problems.push(...errors(validators.prometheusQuery.errors).map((e) => `panel ${panel.id} query ${refId}: ${e}`));
    }
  }
  return problems;
}

let validators: GrafanaValidators;
beforeAll(() => {
  validators = grafanaValidators();
});

describe.each(["staging", "production"])("the %s dashboard", (stack) => {
  let dashboard: DashboardJson;
  beforeAll(async () => {
    dashboard = await deployedDashboard(stack);
  });

  it("validates against Grafana's dashboard, panel plugin and Prometheus query schemas", () => {
    expect(validators.dashboard(dashboard) ? [] : errors(validators.dashboard.errors)).toEqual([]);
    expect(schemaProblems(validators, dashboard)).toEqual([]);
  });

  it("gives every panel and row its own id", () => {
    expect(duplicateIds(dashboard)).toEqual([]);
  });

  it("puts no two panels on the same grid cells, and none outside the grid", () => {
    expect(layoutProblems(dashboard)).toEqual([]);
  });
});

describe("the checks catch what they are for", () => {
  let clean: DashboardJson;
  beforeAll(async () => {
    clean = await deployedDashboard("production");
  });

  it("the schema rejects a mistyped field, an unknown key, a wrong option and a wrong query field", () => {
    const broken = structuredClone(clean);
    const gauge = broken.panels.find((panel) => panel.id === 2)!;
    (broken as Record<string, unknown>).refresh_rate = "30s";
    (gauge.gridPos as unknown as Record<string, unknown>).w = "6";
    gauge.options = { ...gauge.options, showThresholdMarkers: "yes" };
    gauge.targets![0].instant = "true";
    expect(schemaProblems(validators, broken)).toEqual([
      "dashboard:  must NOT have additional properties: refresh_rate",
      `dashboard: /panels/${broken.panels.indexOf(gauge)}/gridPos/w must be number`,
      "panel 2 options: /showThresholdMarkers must be boolean",
      "panel 2 query A: /instant must be boolean",
    ]);
  });

  it("a repeated id and an overlap are found", () => {
    const broken = structuredClone(clean);
    // Panel 1 spans columns 0-11 and panel 2 columns 12-17 of the same band: moved 6 columns left, 2 sits on 1.
    const first = broken.panels.find((panel) => panel.id === 1)!;
    const second = broken.panels.find((panel) => panel.id === 2)!;
    second.id = first.id;
    second.gridPos = { ...second.gridPos, x: second.gridPos.x - 6 };
    expect(duplicateIds(broken)).toEqual([first.id]);
    expect(layoutProblems(broken)).toEqual([`panel ${first.id} "${first.title}" overlaps panel ${first.id} "${second.title}"`]);
  });

  it("panels side by side or one above the other do not overlap; a panel past column 24 is outside", () => {
    const at = (id: number, x: number, y: number, w: number, h: number) => ({ id, type: "timeseries", title: `p${id}`, gridPos: { x, y, w, h } });
    const layout = (...panels: ReturnType<typeof at>[]) => ({ ...structuredClone(clean), panels }) as DashboardJson;
    expect(layoutProblems(layout(at(1, 0, 0, 12, 8), at(2, 12, 0, 12, 8), at(3, 0, 8, 24, 8)))).toEqual([]);
    expect(layoutProblems(layout(at(1, 16, 0, 12, 8)))).toEqual(['panel 1 "p1" lies outside the 24-wide grid']);
  });
});
