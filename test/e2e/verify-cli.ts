/** `npm run verify` as a person runs it: the built script (dist/, built once by global-setup.ts) in a child process. */
import { spawn } from "node:child_process";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";

export const VERIFY_SCRIPT = path.join(ROOT, "dist", "tools", "cli", "verify.js");

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built verify script with `args`, as `npm run verify -- <args>` does after its build. */
export function verify(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VERIFY_SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let [stdout, stderr] = ["", ""];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The report line of one check: its mark and summary. */
export function checkLine(run: Run, check: string): string {
  const found = run.stdout.split("\n").find((line) => line.slice(6).startsWith(check));
  if (!found) throw new Error(`no line for "${check}" in:\n${run.stdout}${run.stderr}`);
  return found;
}

