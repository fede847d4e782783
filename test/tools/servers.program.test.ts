/**
 * The releases the suites run: a binary is used only after it reported the release asked for, so an older promtool
 * on PATH or a stale cache fails the run with what to do, instead of proving the stack on another version.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { RELOADER_IMAGE } from "../../config/releases";
import { binaryPath, serverVersion } from "../../tools/servers";
import versions from "../../tools/versions.json";
import { tempDir } from "../helpers/tools";

/** A stand-in binary that answers `--version` as the real one does (its first line) and nothing else. */
function fakeBinary(dir: string, name: string, versionLine: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\necho '${versionLine}'\n`, { mode: 0o755 });
  return file;
}

describe("the Prometheus and Alertmanager binaries the suites run", () => {
  let work: ReturnType<typeof tempDir>;
  beforeEach(() => {
    work = tempDir("servers");
  });
  afterEach(() => work.remove());

  it("GIVEN the real cache WHEN the suites ask for the current releases THEN each binary reports the pinned version", () => {
    for (const binary of ["prometheus", "promtool", "alertmanager", "amtool"] as const) {
      expect(binaryPath(binary)).toMatch(new RegExp(`-${binary.startsWith("prom") ? versions.prometheus.current : versions.alertmanager.current}/${binary}$`));
    }
  });

  it("GIVEN the real cache WHEN the config reloader is asked for THEN it reports the pinned release, the one the stack's sidecar image runs at either end of the range", () => {
    const reloader = versions.reloader.current;
    expect(binaryPath("prometheus-config-reloader")).toMatch(new RegExp(`/reloader-${reloader}/prometheus-config-reloader$`));
    expect(binaryPath("prometheus-config-reloader", "oldest")).toBe(binaryPath("prometheus-config-reloader"));
    expect(RELOADER_IMAGE).toBe(`quay.io/prometheus-operator/prometheus-config-reloader:v${reloader}`);
  });

  it("GIVEN an empty cache and an older promtool on PATH WHEN the current promtool is asked for THEN it fails naming the version and the setup, never using the one on PATH", () => {
    const onPath = fakeBinary(path.join(work.dir, "bin"), "promtool", "promtool, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+deb12u1)");
    const env = { PATH: path.dirname(onPath), BILLING_TOOLS_CACHE: path.join(work.dir, "cache") };
    expect(() => binaryPath("promtool", "current", env)).toThrow(
      `promtool ${versions.prometheus.current} is not installed (looked in ${path.join(work.dir, "cache", `prometheus-${versions.prometheus.current}`, "promtool")}): ./tools/setup.sh builds it (github.com/prometheus/prometheus, version ${versions.prometheus.current})`,
    );
  });

  it("GIVEN a cache whose amtool is of another release WHEN the current amtool is asked for THEN it fails naming what it reported", () => {
    const cache = path.join(work.dir, "cache");
    const stale = fakeBinary(path.join(cache, `alertmanager-${versions.alertmanager.current}`), "amtool", "amtool, version 0.27.0 (branch: HEAD, revision: 0aa3c2a)");
    expect(() => binaryPath("amtool", "current", { BILLING_TOOLS_CACHE: cache })).toThrow(
      `${stale} reports version 0.27.0, but amtool ${versions.alertmanager.current} is needed: ./tools/setup.sh builds it (github.com/prometheus/alertmanager, version ${versions.alertmanager.current})`,
    );
  });

  it("GIVEN BILLING_PROMETHEUS_VERSION WHEN the current release is asked for THEN that release is looked for, and a malformed one is refused", () => {
    const cache = path.join(work.dir, "cache");
    const built = fakeBinary(path.join(cache, "prometheus-3.5.0"), "promtool", "promtool, version 3.5.0 (branch: go-module, revision: v0.305.0)");
    expect(binaryPath("promtool", "current", { BILLING_TOOLS_CACHE: cache, BILLING_PROMETHEUS_VERSION: "3.5.0" })).toBe(built);
    expect(() => serverVersion("prometheus", "current", { BILLING_PROMETHEUS_VERSION: "v3.5" })).toThrow('BILLING_PROMETHEUS_VERSION is "v3.5": give a release as MAJOR.MINOR.PATCH');
    expect(serverVersion("prometheus", "oldest", { BILLING_PROMETHEUS_VERSION: "3.5.0" })).toBe("2.42.0");
  });

  it("GIVEN the oldest supported releases WHEN asked for THEN Debian's packages answer with their versions", () => {
    expect(binaryPath("promtool", "oldest")).toBe("/usr/bin/promtool");
    expect(binaryPath("alertmanager", "oldest")).toBe("/usr/bin/prometheus-alertmanager");
    expect([serverVersion("prometheus", "oldest"), serverVersion("alertmanager", "oldest")]).toEqual(["2.42.0", "0.25.0"]);
  });
});
