/**
 * One environment's threshold is one edit: its stack file. On a scratch repository of this project, production's
 * payment-failure warning ratio is moved in Pulumi.production.yaml (as `pulumi config set` writes it), then
 * `npm run render` and `npm run docs` run, the result is committed, and the rules and program suites run there with
 * no test edited: every expectation that reads a threshold reads it from the stack's parsed config.
 *
 * BILLING_STACK_FILE_CHANGE_REF runs it on another revision's tracked files instead of the working tree's (the tree
 * before the tests followed the config fails it: the closing note shows the run).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";
import { anotherWarningRatio, stackConfig } from "../helpers/stack";
import { scratchProject, setStackConfig, tempDir } from "../helpers/tools";

const MINUTE = 60_000;

/** The tracked files of `ref` in a fresh directory (git archive), sharing this project's node_modules. */
function archiveOf(ref: string): { dir: string; remove: () => void } {
  const scratch = tempDir("threshold-change");
  const archive = spawnSync("sh", ["-c", `git -C "${ROOT}" archive "${ref}" | tar -x -C "${scratch.dir}"`], { encoding: "utf8" });
  if (archive.status !== 0) throw new Error(`git archive ${ref}: ${archive.stderr}`);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch.dir, "node_modules"));
  return scratch;
}

describe("a production-only threshold changed in its stack file", () => {
  let scratch: { dir: string; remove: () => void };
  const run = (command: string, args: readonly string[]) => {
    const result = spawnSync(command, args, { cwd: scratch.dir, encoding: "utf8", env: { ...process.env, CI: "true" }, maxBuffer: 64 * 1024 * 1024 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const git = (...args: string[]) => {
    const result = run("git", ["-c", "user.name=stack-file-change", "-c", "user.email=stack-file-change@example.invalid", ...args]);
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.output}`);
  };
  /** The end of a failed command's output: which tests failed, and why. */
  const tail = (output: string) => {
    const lines = output.split("\n");
    const failures = lines.filter((line) => /●|✕|FAIL|Tests:/.test(line));
    return [...failures.slice(0, 60), "…", ...lines.slice(-40)].join("\n");
  };

  beforeAll(() => {
    const ref = process.env.BILLING_STACK_FILE_CHANGE_REF;
    scratch = ref ? archiveOf(ref) : scratchProject("threshold-change");
    fs.writeFileSync(path.join(scratch.dir, ".gitignore"), `${fs.existsSync(path.join(scratch.dir, ".gitignore")) ? fs.readFileSync(path.join(scratch.dir, ".gitignore"), "utf8") : ""}\nnode_modules\n`);
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
  });
  afterAll(() => scratch?.remove());

  it(
    "renders, regenerates its docs, and passes the rules and program suites with no test edited",
    () => {
      const ratio = anotherWarningRatio(stackConfig("production"));
      setStackConfig(scratch.dir, "production", { paymentFailureWarningRatio: String(ratio) });

      for (const script of ["render", "docs"]) {
        const result = run("npm", ["run", "--silent", script]);
        expect({ script, status: result.status, output: result.status === 0 ? "" : result.output }).toEqual({ script, status: 0, output: "" });
      }
      // What changed is the stack file and what is generated from it: no test.
      const changed = run("git", ["status", "--porcelain"]).output.split("\n").filter(Boolean).map((line) => line.slice(3));
      expect(changed.filter((file) => file.startsWith("test/"))).toEqual([]);
      expect(changed).toContain("Pulumi.production.yaml");
      expect(changed.some((file) => file.startsWith("rendered/production/"))).toBe(true);
      git("commit", "-q", "-am", `production: payment failure warning at ${ratio}`);

      const suites = [
        ["jest", "-c", "test/jest.rules.config.js"],
        // Not this test again, nor setup's (it reinstalls the shared node_modules).
        ["jest", "-c", "test/jest.program.config.js", "--testPathIgnorePatterns", "/test/config/stack-file-change\\.", "/test/tools/setup\\.program\\."],
      ];
      for (const suite of suites) {
        const result = run("npx", suite);
        expect({ suite: suite.join(" "), status: result.status, failures: result.status === 0 ? "" : tail(result.output) }).toEqual({ suite: suite.join(" "), status: 0, failures: "" });
      }
    },
    30 * MINUTE,
  );
});
