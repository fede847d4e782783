/** Runs the Prometheus and Alertmanager command-line tools (found by binaryPath: missing or another version fails). */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { parseDocument } from "yaml";

import { ROOT } from "../../tools/engine/program";
import { type Binary, binaryPath, type Release } from "../../tools/servers";

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr. */
  readonly output: string;
}

/** Runs `name` at that end of the supported range (default the current release). */
export function runTool(name: Binary, args: readonly string[], cwd?: string, release: Release = "current"): ToolResult {
  const result = spawnSync(binaryPath(name, release), args, { encoding: "utf8", cwd, timeout: 120_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` };
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `billing-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A scratch copy of the project's tracked files, sharing its node_modules; removed by the returned function. */
export function scratchProject(prefix: string): { dir: string; remove: () => void } {
  const scratch = tempDir(prefix);
  const tracked = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).stdout.trim().split("\n");
  for (const file of tracked) {
    fs.mkdirSync(path.dirname(path.join(scratch.dir, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(scratch.dir, file));
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch.dir, "node_modules"));
  return scratch;
}

/**
 * Sets keys of a stack file (`Pulumi.<stack>.yaml` in `dir`) as `pulumi config set` would: a key already there is
 * replaced in place, a new one appended; comments are kept. A value is a string, or `{ secure: … }` for a secret.
 */
export function setStackConfig(dir: string, stack: string, values: Readonly<Record<string, string | { secure: string }>>): void {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  const document = parseDocument(fs.readFileSync(file, "utf8"));
  for (const [key, value] of Object.entries(values)) document.setIn(["config", `billing-monitoring:${key}`], value);
  fs.writeFileSync(file, document.toString({ lineWidth: 0 }));
}
