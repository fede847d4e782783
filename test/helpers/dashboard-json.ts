/** The billing dashboard a stack deploys, read back from the Dashboard resource index.ts declared. */
import type { StackRun } from "../../tools/engine/program";
import { runStack, single, TYPES, type Overrides } from "./stack";

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
  [key: string]: unknown;
}

export interface PanelJson {
  id: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: GridPos;
  targets?: Target[];
  options?: Record<string, unknown>;
  fieldConfig?: { defaults: Record<string, unknown> & { unit?: string; custom?: Record<string, unknown> }; overrides: { matcher: unknown; properties: { id: string; value: unknown }[] }[] };
  /** A row's panels, when the row is collapsed. */
  panels?: PanelJson[];
  [key: string]: unknown;
}

export interface VariableJson {
  type: string;
  name: string;
  query?: unknown;
  datasource?: { type?: string; uid?: string };
  refresh?: number;
  multi?: boolean;
  includeAll?: boolean;
  [key: string]: unknown;
}

export interface AnnotationJson {
  name: string;
  datasource: { type?: string; uid?: string };
  enable: boolean;
  target?: { type?: string; tags?: string[]; matchAny?: boolean; limit?: number };
  [key: string]: unknown;
}

export interface DashboardJson {
  uid: string;
  title: string;
  refresh?: string;
  editable?: boolean;
  panels: PanelJson[];
  templating: { list: VariableJson[] };
  annotations: { list: AnnotationJson[] };
  [key: string]: unknown;
}

export function dashboardOf(run: StackRun): DashboardJson {
  return JSON.parse(single(run, TYPES.dashboard).inputs.configJson as string) as DashboardJson;
}

export async function deployedDashboard(stack: string, overrides: Overrides = {}): Promise<DashboardJson> {
  return dashboardOf(await runStack(stack, overrides));
}

/** Every panel and row, with the panels of collapsed rows. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The panels that show data (not rows). */
export function dataPanels(dashboard: DashboardJson): PanelJson[] {
  return allPanels(dashboard).filter((panel) => panel.type !== "row");
}

/** `label_values(<selector>, <label>)`, the form every query variable here uses. */
export function labelValuesQuery(query: string): { selector: string; label: string } | undefined {
  const match = /^label_values\((.+),\s*(\w+)\)$/s.exec(query.trim());
  return match ? { selector: match[1], label: match[2] } : undefined;
}
