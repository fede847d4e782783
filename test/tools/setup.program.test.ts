/**
 * tools/setup.sh as the README runs it: `--npm-only` (before the preview) builds no server, so the main job never
 * waits for Go; a bad option is refused with the allowed ones. The full run's builds are what every server test runs
 * on (tools/servers.ts checks each binary's release).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";
import { tempDir } from "../helpers/tools";

function setup(args: readonly string[], env: Readonly<Record<string, string>>) {
  return spawnSync("bash", [path.join(ROOT, "tools", "setup.sh"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
}

describe("tools/setup.sh", () => {
  let work: ReturnType<typeof tempDir>;
  beforeEach(() => {
    work = tempDir("setup");
  });
  afterEach(() => work.remove());

  it("GIVEN --npm-only and no Go on PATH WHEN run THEN it succeeds and builds nothing", () => {
    const cache = path.join(work.dir, "cache");
    const result = setup(["--npm-only"], { BILLING_TOOLS_CACHE: cache, PATH: path.dirname(process.execPath) + ":/usr/bin:/bin" });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(fs.existsSync(cache)).toBe(false);
  });

  it("GIVEN an unknown option WHEN run THEN it exits 2 naming the allowed ones", () => {
    const result = setup(["--fast"], {});
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 2, stderr: "setup: unknown option --fast (allowed: --npm-only, --help)\n" });
  });

  it("GIVEN a malformed release to build WHEN the server build starts THEN it fails naming the variable, before building anything", () => {
    const result = spawnSync(process.execPath, [path.join(ROOT, "tools", "build-servers.js")], { encoding: "utf8", env: { ...process.env, BILLING_TOOLS_CACHE: path.join(work.dir, "cache"), BILLING_ALERTMANAGER_VERSION: "0.28" } });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: 'setup: BILLING_ALERTMANAGER_VERSION is "0.28": give a release as MAJOR.MINOR.PATCH, e.g. 0.35.0\n' });
  });
});
