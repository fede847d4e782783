/**
 * Renders what the sandbox runs by running the real index.ts through the local engine with the test profile, and
 * writes the files where a deployment mounts them: the rules ConfigMap, the Alertmanager ConfigMap (templates) and
 * Secret (credentials and, with a heartbeat URL, the configuration itself).
 *
 * The rendered Alertmanager configuration gets exactly two local additions, neither of which a stack can express:
 * `tls_config.ca_file` on every email receiver (trust the throwaway certificate; `require_tls` stays true), and the
 * global settings that send an integration whose secret is no URL to the local sink (`global.pagerduty_url` instead
 * of events.pagerduty.com: alerts/integrations.ts, `sandbox.global`).
 */
import * as path from "node:path";

import { parse } from "yaml";

import type { AlertmanagerConfig } from "../../alerts/routing";
import type { SecretKey } from "../../config";
import { toYaml } from "../../common/serialize";
import { succeeded } from "../engine/run";
import { declaredRuleFile, runStack, type StackRun } from "../engine/program";
import { renderFiles } from "../render/render";
import { routedStack, SANDBOX_STACK, sandboxConfigValues, type SandboxPlacement } from "./profile";
import { type RenderedSidecar, renderedSidecars } from "./reloader";
import { KubeletVolume } from "./volume";

/** The SMTP password, the heartbeat URL and the secret of each integration the sandbox's Alertmanager runs. */
export type SandboxSecrets = { readonly smtpPassword: string; readonly heartbeatUrl: string } & Readonly<Partial<Record<SecretKey, string>>>;

export interface LocalOverrides {
  /** CA file Alertmanager trusts for the SMTP server's STARTTLS certificate. */
  readonly smtpCaFile: string;
  /** Global settings that send the integrations to the local sink. */
  readonly global: Readonly<Record<string, string>>;
}

export interface RenderedEnvironment {
  readonly environment: string;
  readonly ruleFile: string;
  /** The stack's rendered tree, as `npm run render` writes it (secrets as the marker): what `npm run verify` reads. */
  readonly files: ReadonlyMap<string, string>;
  /** What the environment's stack writes for Alertmanager: only the owner of its configuration writes any. */
  readonly alertmanager?: RenderedAlertmanager;
  /** The name of the ConfigMap holding the rule file. */
  readonly rulesConfigMap: string;
  /** The config reloader sidecars the stack patches into Prometheus (and, as the owner, Alertmanager). */
  readonly sidecars: readonly RenderedSidecar[];
}

export interface RenderedAlertmanager {
  /** The Alertmanager configuration file, as deployed (before the local additions). */
  readonly config: string;
  /** Files of the Alertmanager ConfigMap and Secret, by mount directory. */
  readonly mounts: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The mount directory of the ConfigMap and of the Secret, by object. */
  readonly directories: { readonly configMap: Readonly<Record<string, string>>; readonly secret: Readonly<Record<string, string>> };
  readonly configFile: string;
}

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";

function objectName(run: StackRun, type: string, suffix: string): string {
  const resource = run.resources.find((r) => r.type === type && r.name.endsWith(suffix));
  if (!resource) throw new Error(`the stack declared no ${type} whose resource name ends with ${suffix}`);
  return (resource.inputs.metadata as { name: string }).name;
}

function dataOf(run: StackRun, type: string, name: string, field: "data" | "stringData"): Record<string, string> {
  const resource = run.resources.find((r) => r.type === type && (r.inputs.metadata as { name?: string } | undefined)?.name === name);
  if (!resource) throw new Error(`the stack declared no ${type} named ${name}`);
  return resource.inputs[field] as Record<string, string>;
}

/** Runs index.ts for one sandbox environment and returns its rule file and Alertmanager files. */
export async function renderEnvironment(placement: SandboxPlacement, secrets: SandboxSecrets, thresholds: Readonly<Record<string, string>> = {}): Promise<RenderedEnvironment> {
  const values = sandboxConfigValues(placement, thresholds);
  // What the owner reads of each environment it routes, as it would read their stacks: their environment, not owners.
  const stackOutputs = Object.fromEntries((placement.alertmanagerOwner ? (placement.routedEnvironments ?? []) : []).map((environment) => [routedStack(environment), { environment, alertmanagerOwner: false }]));
  const allSecrets = { ...secrets, grafanaToken: "sandbox-has-no-grafana" };
  const run = succeeded(await runStack({ stack: SANDBOX_STACK, config: values, secrets: allSecrets, stackOutputs }));
  const stackName = (kind: string): string => `${kind}-${SANDBOX_STACK}`;
  const ruleFile = declaredRuleFile(run);
  const files = renderFiles(run, { secretValues: Object.values(allSecrets) });
  const prometheus = { environment: placement.environment, ruleFile, files, rulesConfigMap: objectName(run, CONFIG_MAP, "-rules"), sidecars: renderedSidecars(run.resources) };
  if (!placement.alertmanagerOwner) return prometheus;
  const [configMapName, secretName] = [stackName("alertmanager-billing"), `${stackName("alertmanager-billing")}-credentials`];
  const configMap = dataOf(run, CONFIG_MAP, configMapName, "data");
  const secret = dataOf(run, SECRET, secretName, "stringData");
  const configFile = run.outputs.alertmanagerConfigFile as string;
  const mounts = new Map([
    [placement.alertmanagerConfigPath, configMap],
    [placement.alertmanagerSecretPath, secret],
  ]);
  const config = mounts.get(path.dirname(configFile))?.[path.basename(configFile)];
  if (config === undefined) throw new Error(`${configFile} is in neither the ConfigMap nor the Secret`);
  const directories = { configMap: { [configMapName]: placement.alertmanagerConfigPath }, secret: { [secretName]: placement.alertmanagerSecretPath } };
  return { ...prometheus, alertmanager: { config, mounts, configFile, directories } };
}

/** The deployed Alertmanager configuration plus the two local additions (see the module comment). */
export function withLocalOverrides(alertmanagerConfig: string, local: LocalOverrides): string {
  const document = parse(alertmanagerConfig) as AlertmanagerConfig;
  Object.assign(document.global, local.global);
  for (const receiver of document.receivers) {
    for (const email of receiver.email_configs ?? []) email.tls_config = { ca_file: local.smtpCaFile };
  }
  return toYaml(document);
}

/**
 * Writes the owner's Alertmanager mounts as the kubelet writes their volumes (each directory swapped whole); the
 * configuration with the local additions.
 */
export function writeMounts(rendered: RenderedAlertmanager, local: LocalOverrides): void {
  for (const [dir, files] of rendered.mounts) {
    const configured = path.dirname(rendered.configFile) === dir ? { [path.basename(rendered.configFile)]: withLocalOverrides(rendered.config, local) } : {};
    new KubeletVolume(dir).write({ ...files, ...configured });
  }
}
