/**
 * The Prometheus and Alertmanager command-line tools the tests run. A missing tool fails the test that needs it,
 * with the command that installs it: these tests never skip.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function requireTool(name: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (found.status !== 0) {
    throw new Error(`${name} is not installed; run ./scripts/setup.sh (it installs Debian's prometheus and prometheus-alertmanager)`);
  }
  return found.stdout.trim();
}

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

export function runTool(name: string, args: readonly string[], cwd?: string): ToolResult {
  const result = spawnSync(requireTool(name), args, { encoding: "utf8", cwd, timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `billing-${prefix}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
