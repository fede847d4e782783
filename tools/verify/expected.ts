/**
 * What a stack deploys, read from its rendered tree (`npm run render`; rendered/<stack>/ is kept current by CI): the
 * rule file, the dashboard's queries, the Alertmanager configuration of the stack that owns it, and the outputs.
 * Rendered files hold a marker instead of each secret and a placeholder for each hand-set setting; a comparison
 * takes either as "any value".
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { RULE_FILE } from "../../alerts";
import type { AlertmanagerConfig } from "../../alerts/routing";
import { CONFIG_FILE } from "../../alerts/routing";

export interface ExpectedRule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface ExpectedGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly ExpectedRule[];
}

/** A dashboard panel (rows aside): its PromQL queries and its threshold steps as `color ≥ value`. */
export interface ExpectedPanel {
  readonly title: string;
  readonly type: string;
  readonly queries: readonly string[];
  readonly thresholds: readonly string[];
}

export interface Expected {
  readonly dir: string;
  readonly environment: string;
  readonly appNamespace: string;
  /** The releases the stack is written for (output `targetReleases`; absent in trees rendered before it existed). */
  readonly targetReleases?: { readonly prometheus: string; readonly alertmanager: string };
  readonly groups: readonly ExpectedGroup[];
  /** The stack's dashboards: uid and title. */
  readonly dashboards: readonly { readonly uid: string; readonly title: string }[];
  /** Every panel of the stack's dashboards, in file order. */
  readonly panels: readonly ExpectedPanel[];
  /** The configuration the shared Alertmanager should run, and where it was read; undefined with the reason. */
  readonly alertmanager: { readonly config: AlertmanagerConfig; readonly from: string; /** The file as rendered (secret markers and setting placeholders included). */ readonly text: string } | { readonly missing: string };
}

export class ExpectedError extends Error {}

const readYaml = <T>(file: string): T => parse(fs.readFileSync(file, "utf8")) as T;

/** A rendered value that stands for something not in the file: the secret marker or a setting's placeholder. */
export const isPlaceholder = (value: unknown): boolean => typeof value === "string" && /^<[^<>]+>$/.test(value);

function alertmanagerOf(dir: string): Expected["alertmanager"] {
  const own = path.join(dir, "alertmanager", CONFIG_FILE);
  const owners = [dir, ...fs.readdirSync(path.dirname(dir)).map((entry) => path.join(path.dirname(dir), entry)).filter((other) => other !== dir)].filter((candidate) => {
    const outputs = path.join(candidate, "outputs.yaml");
    return fs.existsSync(outputs) && readYaml<{ alertmanagerOwner?: boolean }>(outputs).alertmanagerOwner === true;
  });
  const file = fs.existsSync(own) ? own : owners.map((owner) => path.join(owner, "alertmanager", CONFIG_FILE)).find((candidate) => fs.existsSync(candidate));
  if (file) {
    const text = fs.readFileSync(file, "utf8");
    return { config: parse(text) as AlertmanagerConfig, from: file, text };
  }
  if (owners.length > 0) return { missing: `the configuration of ${path.basename(owners[0])} holds a secret, so it is rendered only inside its redacted Secret` };
  return { missing: `no stack beside ${dir} owns the Alertmanager configuration (operator mode writes AlertmanagerConfig objects instead)` };
}

/**
 * The rendered text with each hand-set setting's placeholder (`<smtpUsername: …>`) replaced by the value given for
 * it: the deployed file's bytes, unless a placeholder or a secret's marker is left (then undefined, with its name).
 */
export function deployedText(text: string, settings: Readonly<Record<string, string>>): { text: string } | { left: string } {
  const filled = text.replace(/<(\w+): [^<>]*>/g, (placeholder, key: string) => settings[key] ?? placeholder);
  const left = /<(\w+): [^<>]*>/.exec(filled);
  return left ? { left: left[1] } : { text: filled };
}

/** Reads a rendered stack directory, or says what is missing and how to make it. */
export function readExpected(dir: string): Expected {
  const outputsFile = path.join(dir, "outputs.yaml");
  if (!fs.existsSync(outputsFile)) throw new ExpectedError(`${dir} holds no rendered stack (no outputs.yaml); run: npm run render`);
  const outputs = readYaml<{ environment: string; appNamespace: string; targetReleases?: Expected["targetReleases"] }>(outputsFile);
  const ruleFile = path.join(dir, "prometheus", RULE_FILE);
  const prometheusRules = fs.existsSync(path.join(dir, "kubernetes")) ? fs.readdirSync(path.join(dir, "kubernetes")).filter((file) => file.startsWith("prometheusrule-")) : [];
  const groups = fs.existsSync(ruleFile)
    ? readYaml<{ groups: ExpectedGroup[] }>(ruleFile).groups
    : prometheusRules.length === 1
      ? readYaml<{ spec: { groups: ExpectedGroup[] } }>(path.join(dir, "kubernetes", prometheusRules[0])).spec.groups
      : undefined;
  if (!groups) throw new ExpectedError(`${dir} holds no rule file (prometheus/${RULE_FILE}) nor one PrometheusRule; run: npm run render`);
  const grafana = path.join(dir, "grafana");
  const dashboards = fs.existsSync(grafana) ? fs.readdirSync(grafana).filter((file) => file.startsWith("dashboard-") && file.endsWith(".json")).sort() : [];
  const dashboardIds = dashboards.map((file) => {
    const { uid, title } = JSON.parse(fs.readFileSync(path.join(grafana, file), "utf8")) as { uid: string; title: string };
    return { uid, title };
  });
  const panels = dashboards.flatMap((file) => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(grafana, file), "utf8")) as {
      panels?: { title: string; type: string; targets?: { expr?: string }[]; fieldConfig?: { defaults?: { thresholds?: { steps?: { color: string; value: number | null }[] } } } }[];
    };
    return (dashboard.panels ?? [])
      .filter((panel) => panel.type !== "row")
      .map((panel) => ({
        title: panel.title,
        type: panel.type,
        queries: (panel.targets ?? []).flatMap((target) => (target.expr ? [target.expr] : [])),
        thresholds: (panel.fieldConfig?.defaults?.thresholds?.steps ?? []).map((step) => (step.value === null ? step.color : `${step.color} ≥ ${step.value}`)),
      }));
  });
  return { dir, environment: outputs.environment, appNamespace: outputs.appNamespace, ...(outputs.targetReleases ? { targetReleases: outputs.targetReleases } : {}), groups, dashboards: dashboardIds, panels, alertmanager: alertmanagerOf(dir) };
}
