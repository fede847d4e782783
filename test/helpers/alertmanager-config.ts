/**
 * A stack's Alertmanager configuration, as index.ts declares it, written to a temporary directory laid out like the
 * two directory mounts in the pod: the ConfigMap's files in one directory, the Secret's in another. The stack runs
 * as deployed (the same run the other tests of the stack read), and every path in the configuration under the two
 * mount paths is moved to the temporary directories: the configuration under test is the deployed one apart from
 * the paths. Secret files hold the test helper's placeholder values, never a real credential.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { parse } from "yaml";

import type { AlertmanagerConfig } from "../../alerts/routing";
import { toYaml } from "../../common/serialize";
import type { StackRun } from "../../tools/engine/program";
import { CONFIG_SCHEMA } from "../../config";
import { readStackFile } from "../../tools/engine/program";
import { runStack, single, TYPES, type Overrides } from "./stack";

export interface MountedConfig {
  readonly run: StackRun;
  /** Root of the temporary tree; {@link removeMounted} deletes it. */
  readonly root: string;
  readonly configDir: string;
  readonly secretDir: string;
  /** The file the stack output `alertmanagerConfigFile` names: what Alertmanager's `--config.file` gets. */
  readonly configFile: string;
  readonly text: string;
  readonly parsed: AlertmanagerConfig;
}

function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
}

/** The two mount paths of a run: as the test sets them, else as the stack file does, else their defaults. */
function mountsOf(stack: string, overrides: Overrides): { config: string; secrets: string } {
  const configured = { ...readStackFile(stack), ...overrides.config };
  const mountPath = (key: "alertmanagerConfigPath" | "alertmanagerSecretPath"): string => {
    const fallback = CONFIG_SCHEMA[key].default as string | ((stack: string) => string);
    const value = configured[key] ?? (typeof fallback === "function" ? fallback(stack) : fallback);
    if (!value) throw new Error(`no ${key} for stack ${stack}`);
    return value;
  };
  return { config: mountPath("alertmanagerConfigPath"), secrets: mountPath("alertmanagerSecretPath") };
}

/** Every string of a parsed configuration that is a path under a mount, moved to `to` (mount path → directory). */
function rebased(value: unknown, to: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    for (const [mount, dir] of to) if (value.startsWith(`${mount}/`)) return dir + value.slice(mount.length);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => rebased(item, to));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rebased(item, to)]));
  return value;
}

export async function mountedAlertmanagerConfig(stack: string, overrides: Overrides = {}): Promise<MountedConfig> {
  const run = await runStack(stack, overrides);
  const mounts = mountsOf(stack, overrides);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `billing-am-${stack}-`));
  const configDir = path.join(root, "config");
  const secretDir = path.join(root, "secrets");
  const to = new Map([
    [mounts.config, configDir],
    [mounts.secrets, secretDir],
  ]);
  const configMap = run.resources.find((r) => r.type === TYPES.configMap && r.name === "billing-alertmanager-config");
  if (!configMap) throw new Error("no Alertmanager ConfigMap declared");
  const deployedFile = run.outputs.alertmanagerConfigFile as string;
  const mountedFiles = (files: Record<string, string>, dir: string): Record<string, string> =>
    Object.fromEntries(Object.entries(files).map(([name, content]) => [name, path.join(dir, name) === rebased(deployedFile, to) ? toYaml(rebased(parse(content), to)) : content]));
  writeFiles(configDir, mountedFiles(configMap.inputs.data as Record<string, string>, configDir));
  writeFiles(secretDir, mountedFiles(single(run, TYPES.secret).inputs.stringData as Record<string, string>, secretDir));
  const configFile = rebased(deployedFile, to) as string;
  const text = fs.readFileSync(configFile, "utf8");
  return { run, root, configDir, secretDir, configFile, text, parsed: parse(text) as AlertmanagerConfig };
}

/** Writes a changed copy of the configuration next to the original (same mounts), for tests that must fail. */
export function writeVariant(mounted: MountedConfig, name: string, config: AlertmanagerConfig): string {
  const file = path.join(mounted.root, name);
  fs.writeFileSync(file, toYaml(config));
  return file;
}

export function removeMounted(mounted: MountedConfig | undefined): void {
  if (mounted) fs.rmSync(mounted.root, { recursive: true, force: true });
}
