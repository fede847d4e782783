/**
 * What a rendered stack means to a reviewer, read from its rendered tree (`npm run render`): each alert with its
 * threshold comparisons, `for` and severity; where each alert goes (receivers, timing) in the routing tree of the
 * Alertmanager that routes it; the receivers' destinations; inhibition and time intervals; each dashboard panel's
 * queries and thresholds; the image; the resources. Secrets are already the marker in the rendered files.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { type Dispatch, dispatches } from "../verify/route-match";
import { INTEGRATIONS } from "../../alerts/integrations";
import type { AlertmanagerConfig, Receiver } from "../../alerts/routing";
import { type Expected, type ExpectedPanel, readExpected } from "../verify/expected";
import { type Contract, IDENTITIES_FILE, partOf, readContract } from "./identities";
import { parser } from "../verify/expression";

export interface Comparison {
  /** The compared expression, as written. */
  readonly left: string;
  readonly op: string;
  readonly value: number;
}

export interface AlertModel {
  readonly name: string;
  readonly group: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Every `<expr> <op> <number>` of the expression, in order. */
  readonly comparisons: readonly Comparison[];
}

export type PanelModel = ExpectedPanel;

export interface StackModel {
  readonly stack: string;
  readonly environment: string;
  readonly alerts: ReadonlyMap<string, AlertModel>;
  readonly recordingRules: number;
  /** Where each alert goes, from the configuration of the Alertmanager that routes it; absent when it is not rendered. */
  readonly routing?: ReadonlyMap<string, readonly Dispatch[]>;
  /** The configuration this stack writes, when it owns the Alertmanager. */
  readonly ownConfig?: AlertmanagerConfig;
  readonly panels: ReadonlyMap<string, PanelModel>;
  readonly image?: string;
  /** `type name` of every resource. */
  readonly resources: ReadonlySet<string>;
  /** This stack's identities and outputs in every variant (rendered/identities.yaml), when the revision renders them. */
  readonly contract?: Contract;
}

/** A stack's part of the identity file beside its directory: its identities and outputs (config keys are every stack's). */
function stackContract(dir: string, stack: string): Contract | undefined {
  const file = path.join(path.dirname(dir), IDENTITIES_FILE);
  if (!fs.existsSync(file)) return undefined;
  const contract = readContract(fs.readFileSync(file, "utf8"));
  return contract.stacks[stack] ? { ...partOf(contract, [stack]), configKeys: [] } : undefined;
}

const COMPARISONS = new Set(["Gtr", "Gte", "Lss", "Lte", "Eql", "Neq"]);

/** Every comparison of an expression with a number, parsed with Prometheus' grammar. */
export function comparisons(expr: string): Comparison[] {
  const found: Comparison[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.node.type.name !== "BinaryExpr") return;
      const left = ref.node.firstChild;
      const op = left?.nextSibling;
      let right = op?.nextSibling;
      if (right?.type.name === "BoolModifier") right = right.nextSibling;
      if (!left || !op || !right || !COMPARISONS.has(op.type.name) || right.type.name !== "NumberDurationLiteral") return;
      const value = Number(expr.slice(right.from, right.to));
      if (Number.isFinite(value)) found.push({ left: expr.slice(left.from, left.to).replace(/\s+/g, " "), op: expr.slice(op.from, op.to), value });
    },
  });
  return found;
}

/** An alert's labels as Prometheus sends them, for routing. */
const alertLabels = (alert: AlertModel): Record<string, string> => ({ alertname: alert.name, ...alert.labels });

/** Reads one rendered stack directory (its siblings, for the Alertmanager configuration that routes it). */
export function readStackModel(dir: string): StackModel {
  const expected: Expected = readExpected(dir);
  const alerts = new Map<string, AlertModel>();
  let recordingRules = 0;
  for (const group of expected.groups) {
    for (const rule of group.rules as readonly { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[]) {
      if (!rule.alert) {
        recordingRules++;
        continue;
      }
      alerts.set(rule.alert, { name: rule.alert, group: group.name, expr: rule.expr, for: rule.for, labels: rule.labels ?? {}, annotations: rule.annotations ?? {}, comparisons: comparisons(rule.expr) });
    }
  }
  const config = "config" in expected.alertmanager ? expected.alertmanager.config : undefined;
  const routing = config ? new Map([...alerts.values()].map((alert) => [alert.name, dispatches(config.route, alertLabels(alert))])) : undefined;
  const outputs = parse(fs.readFileSync(path.join(dir, "outputs.yaml"), "utf8")) as { image?: string };
  const resourcesFile = path.join(dir, "resources.yaml");
  const resources = fs.existsSync(resourcesFile) ? (parse(fs.readFileSync(resourcesFile, "utf8")) as { type: string; name: string }[]) : [];
  return {
    stack: path.basename(dir),
    environment: expected.environment,
    alerts,
    recordingRules,
    routing,
    // The configuration is this stack's own when it was read from this stack's directory.
    ownConfig: "config" in expected.alertmanager && path.dirname(path.dirname(expected.alertmanager.from)) === dir ? expected.alertmanager.config : undefined,
    panels: new Map(expected.panels.map((panel) => [panel.title, panel])),
    image: outputs.image,
    resources: new Set(resources.map((resource) => `${resource.type} ${resource.name}`)),
    contract: stackContract(dir, path.basename(dir)),
  };
}

/**
 * Where a receiver sends, in words: `email to a, b`, each integration's own (`Slack #channel`, `PagerDuty (severity)`:
 * alerts/integrations.ts), `webhook`.
 */
export function destinations(receiver: Receiver): string[] {
  return [
    ...(receiver.email_configs ?? []).map((email) => `email to ${email.to}${email.send_resolved ? "" : " (no resolved)"}`),
    ...INTEGRATIONS.flatMap((integration) => (receiver[integration.alertmanager.key] ?? []).map(integration.destination)),
    ...(receiver.webhook_configs ?? []).map(() => "webhook"),
  ];
}
