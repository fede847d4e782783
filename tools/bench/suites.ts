/**
 * Test-suite time, now and before the suites were split (issue 17), side by side in one bench run: the revision
 * before is checked out as a git worktree beside the project (sharing its node_modules) and its one jest suite is
 * timed cold, then this checkout's suites, cold and with kept program runs. Per file, from jest's own --json report.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { RUN_CACHE } from "../engine/program";

/** The last revision with one jest suite (everything but e2e in `npx jest`). */
export const SUITES_BASELINE = "5cfbeddbe1a19b7839260ac9065b3e9f0c735652";

export interface SuiteRun {
  readonly seconds: number;
  readonly tests: number;
  /** Test file (relative to the project) → seconds, as jest reports it. */
  readonly files: ReadonlyMap<string, number>;
}

interface JestReport {
  numTotalTests: number;
  success: boolean;
  testResults: { name: string; startTime: number; endTime: number }[];
}

/** Runs one jest suite in `root` and returns its wall time and per-file times; a failing suite fails the bench. */
export function runSuite(root: string, args: readonly string[], options: { cold: boolean }): SuiteRun {
  if (options.cold) fs.rmSync(RUN_CACHE, { recursive: true, force: true });
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "billing-bench-jest-")), "report.json");
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [path.join(root, "node_modules", "jest", "bin", "jest.js"), ...args, "--json", "--outputFile", report], { cwd: root, stdio: "pipe", encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const parsed = JSON.parse(fs.readFileSync(report, "utf8")) as JestReport;
    if (result.status !== 0 || !parsed.success) throw new Error(`jest ${args.join(" ")} in ${root} failed (${result.status}):\n${result.stderr.slice(-4000)}`);
    return { seconds, tests: parsed.numTotalTests, files: new Map(parsed.testResults.map((t) => [path.relative(root, t.name), (t.endTime - t.startTime) / 1000])) };
  } finally {
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
}

/** The baseline revision checked out beside `root`, sharing its node_modules; removed by the returned function. */
export function baselineCheckout(root: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "billing-bench-before-"));
  const git = (...args: string[]) => {
    const result = spawnSync("git", args, { cwd: root, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  };
  git("worktree", "add", "--detach", dir, SUITES_BASELINE);
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return {
    dir,
    remove: () => {
      git("worktree", "remove", "--force", dir);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
