/**
 * `npm run sandbox` leaves nothing behind however it ends: its Prometheus and Alertmanager stop, and its directory
 * (which holds the throwaway SMTP credentials) is removed, on Ctrl-C, SIGTERM, SIGHUP (the terminal closing) and when
 * the process that started it dies. Runs the built script as a person would, through a shell for the last case.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";

const SCRIPT = path.join(ROOT, "dist", "tools", "cli", "sandbox.js");

// dist/ is built once for every e2e file (global-setup.ts), as `npm run sandbox` builds it before it starts.
beforeAll(() => {
  expect(fs.existsSync(SCRIPT)).toBe(true);
});

/** Resolves with the sandbox directory once the sandbox has printed its first scenario line. */
function started(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start:\n${output}`)), 60_000);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const dir = /sandbox directory: (\S+)/.exec(output)?.[1];
      if (dir && /scenario: /.test(output)) {
        clearTimeout(timer);
        resolve(dir);
      }
    });
    child.on("exit", () => reject(new Error(`the sandbox exited before starting:\n${output}`)));
  });
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));

/** Processes whose command line names the sandbox directory: its Prometheus and Alertmanager. */
function leftRunning(dir: string): string[] {
  const list = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  return list.filter((line) => line.includes(dir) && !line.includes("ps -eo"));
}

async function expectNothingLeft(dir: string): Promise<void> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline && (leftRunning(dir).length > 0 || fs.existsSync(dir)); ) await new Promise((r) => setTimeout(r, 200));
  expect({ processes: leftRunning(dir), dirExists: fs.existsSync(dir) }).toEqual({ processes: [], dirExists: false });
}

describe("the sandbox leaves nothing behind", () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)("when it gets %s", async (signal) => {
    const child = spawn(process.execPath, [SCRIPT], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const dir = await started(child);
      expect(leftRunning(dir).length).toBeGreaterThanOrEqual(2);
      child.kill(signal);
      await exited(child);
      await expectNothingLeft(dir);
    } finally {
      child.kill("SIGKILL");
    }
  }, 90_000);

  it("when the process that started it dies", async () => {
    // A shell starts the sandbox in the background and is killed; the sandbox is re-parented and must notice.
    const shell = spawn("sh", ["-c", `"${process.execPath}" "${SCRIPT}" & wait`], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const dir = await started(shell);
      shell.kill("SIGKILL");
      await expectNothingLeft(dir);
    } finally {
      shell.kill("SIGKILL");
    }
  }, 90_000);
});
