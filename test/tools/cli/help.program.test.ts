/**
 * `--help` everywhere: every command under tools/cli, run from its build as its npm script runs it, answers `--help`
 * with its usage on stdout and exit 0 (tools/cli/args.ts). One build for the file, then one child process per command.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

import { ROOT } from "../../../tools/engine/program";

/** Every command, by its npm script, which runs dist/tools/cli/<command>.js. */
const COMMANDS = ["render", "verify", "review", "sandbox", "bench", "preview", "config-reference", "panel-list"];

beforeAll(() => {
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
}, 120_000);

it.each(COMMANDS)("GIVEN the built %s WHEN run with --help THEN its usage naming its npm script is on stdout, nothing on stderr, exit 0", (command) => {
  const run = spawnSync(process.execPath, [path.join("dist", "tools", "cli", `${command}.js`), "--help"], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
  expect({ status: run.status, stderr: run.stderr, usage: run.stdout.split("\n")[0] }).toEqual({ status: 0, stderr: "", usage: expect.stringMatching(new RegExp(`^usage: npm run ${command}( |$)`)) });
  expect(run.stdout.endsWith("\n")).toBe(true);
});

it("GIVEN the npm scripts WHEN read THEN each command has one that runs its build, so the usage line's command exists", () => {
  const scripts = (require(path.join(ROOT, "package.json")) as { scripts: Record<string, string> }).scripts;
  for (const command of COMMANDS) expect(scripts[command]).toBe(`npm run build --silent && node dist/tools/cli/${command}.js`);
});
