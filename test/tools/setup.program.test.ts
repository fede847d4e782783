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

describe("tools/build-servers.js on a module's go.mod", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dropMissingReplacements, goBinary } = require("../../tools/build-servers.js") as {
    dropMissingReplacements: (go: string, source: string, env: NodeJS.ProcessEnv) => Promise<void>;
    goBinary: () => string;
  };
  let work: ReturnType<typeof tempDir>;
  beforeEach(() => {
    work = tempDir("go-mod");
  });
  afterEach(() => work.remove());
  const env = { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };

  it("GIVEN a go.mod without replacements (Prometheus', Alertmanager's) WHEN prepared THEN it is left as it is", async () => {
    const goMod = "module example.com/server\n\ngo 1.22\n";
    fs.writeFileSync(path.join(work.dir, "go.mod"), goMod);
    await dropMissingReplacements(goBinary(), work.dir, env);
    expect(fs.readFileSync(path.join(work.dir, "go.mod"), "utf8")).toBe(goMod);
  });

  it("GIVEN replacements by folders the module zip left out (prometheus-operator's nested modules) WHEN prepared THEN those are dropped, the others kept", async () => {
    fs.mkdirSync(path.join(work.dir, "pkg", "kept"), { recursive: true });
    fs.writeFileSync(
      path.join(work.dir, "go.mod"),
      "module example.com/operator\n\ngo 1.22\n\nreplace (\n\texample.com/operator/pkg/client => ./pkg/client\n\texample.com/operator/pkg/kept => ./pkg/kept\n)\n",
    );
    await dropMissingReplacements(goBinary(), work.dir, env);
    const goMod = fs.readFileSync(path.join(work.dir, "go.mod"), "utf8");
    expect(goMod).not.toContain("pkg/client");
    expect(goMod).toContain("example.com/operator/pkg/kept => ./pkg/kept");
  });
});
