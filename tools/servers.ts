/**
 * The Prometheus and Alertmanager releases the tests, the sandbox, `npm run verify`'s tests and the bench run, and
 * where their binaries are. Two ends of the supported range, each pinned in one place:
 *
 * - `current` (tools/versions.json): the newest releases, built from their Go modules by `tools/setup.sh` into a cache folder per
 *   version (tools/build-servers.js). BILLING_PROMETHEUS_VERSION / BILLING_ALERTMANAGER_VERSION select another
 *   release for a whole run (setup.sh builds it the same way).
 * - `oldest` (config/oldest-supported.json, which the stack's config defaults to): Debian 12's packages (`prometheus` 2.42, `prometheus-alertmanager` 0.25), what a Debian user gets from
 *   apt, kept by the compatibility checks.
 *
 * A binary is used only after it reported the release asked for: an older `promtool` on PATH, or a stale cache, is an
 * error that names the binary, what it reported and what to run, never a silent downgrade (and never a skip).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { OLDEST_SUPPORTED } from "../config/releases";
import versions from "./versions.json";

export type Server = keyof typeof versions;
export type Binary = "prometheus" | "promtool" | "alertmanager" | "amtool" | "prometheus-config-reloader";
/** Which end of the supported range. */
export type Release = "current" | "oldest";

const SERVER_OF: Readonly<Record<Binary, Server>> = {
  prometheus: "prometheus",
  promtool: "prometheus",
  alertmanager: "alertmanager",
  amtool: "alertmanager",
  "prometheus-config-reloader": "reloader",
};
/** The servers with an oldest supported release (Debian's); the config reloader has one release, the sidecar's. */
type RangedServer = keyof typeof OLDEST_SUPPORTED;
const ranged = (server: Server): server is RangedServer => server in OLDEST_SUPPORTED;
/** Debian's file for each binary it packages (its Alertmanager is renamed `prometheus-alertmanager`). */
const DEBIAN_PATH: Readonly<Partial<Record<Binary, string>>> = {
  prometheus: "/usr/bin/prometheus",
  promtool: "/usr/bin/promtool",
  alertmanager: "/usr/bin/prometheus-alertmanager",
  amtool: "/usr/bin/amtool",
};
const DEBIAN_PACKAGE: Readonly<Record<RangedServer, string>> = { prometheus: "prometheus", alertmanager: "prometheus-alertmanager" };

/** The variable that selects another release than the pinned current one for a whole run. */
export function versionVariable(server: Server): string {
  return `BILLING_${server.toUpperCase()}_VERSION`;
}

/**
 * The release of `server` at that end of the range (`current` honours {@link versionVariable}); the config reloader
 * is at its one release at either end.
 */
export function serverVersion(server: Server, release: Release = "current", env: NodeJS.ProcessEnv = process.env): string {
  if (release === "oldest" && ranged(server)) return OLDEST_SUPPORTED[server];
  const override = env[versionVariable(server)];
  if (override === undefined || override === "") return versions[server].current;
  if (!/^\d+\.\d+\.\d+$/.test(override)) throw new Error(`${versionVariable(server)} is "${override}": give a release as MAJOR.MINOR.PATCH, e.g. ${versions[server].current}`);
  return override;
}

/** The folder tools/build-servers.js builds into (BILLING_TOOLS_CACHE, else ~/.cache/billing-monitoring). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.BILLING_TOOLS_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "billing-monitoring");
}

/** The release a binary reports on `--version` (`promtool, version 3.16.0 (branch: …)`: 3.16.0; Debian's `2.42.0+ds`: 2.42.0). */
export function reportedVersion(file: string): string | undefined {
  const result = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 20_000 });
  return /version (\d+\.\d+\.\d+)/.exec(`${result.stdout ?? ""}${result.stderr ?? ""}`)?.[1];
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const checked = new Map<string, string>();

/**
 * The absolute path of `binary` at the release asked for: the cache's build of it, or Debian's package when that is
 * the release. Throws when it is missing or reports another release.
 */
export function binaryPath(binary: Binary, release: Release = "current", env: NodeJS.ProcessEnv = process.env): string {
  const server = SERVER_OF[binary];
  const version = serverVersion(server, release, env);
  const key = `${binary}@${version}@${cacheRoot(env)}`;
  const known = checked.get(key);
  if (known) return known;
  const debian = ranged(server) && version === OLDEST_SUPPORTED[server] ? { file: DEBIAN_PATH[binary]!, package: DEBIAN_PACKAGE[server] } : undefined;
  const candidates = [path.join(cacheRoot(env), `${server}-${version}`, binary), ...(debian ? [debian.file] : [])];
  const found = candidates.find(executable);
  const setup = debian ? `./tools/setup.sh installs it (Debian package ${debian.package})` : `./tools/setup.sh builds it (${versions[server].module}, version ${version})`;
  if (!found) throw new Error(`${binary} ${version} is not installed (looked in ${candidates.join(", ")}): ${setup}`);
  const reported = reportedVersion(found);
  if (reported !== version) throw new Error(`${found} reports version ${reported ?? "(none)"}, but ${binary} ${version} is needed: ${setup}`);
  checked.set(key, found);
  return found;
}

/** One line for a suite's start: the releases it runs, and where from. */
export function describeReleases(releases: readonly Release[] = ["current"], env: NodeJS.ProcessEnv = process.env): string {
  return releases
    .map((release) =>
      (Object.keys(OLDEST_SUPPORTED) as RangedServer[])
        .map((server) => {
          const binary: Binary = server === "prometheus" ? "prometheus" : "alertmanager";
          return `${server === "prometheus" ? "Prometheus" : "Alertmanager"} ${serverVersion(server, release, env)} (${binaryPath(binary, release, env)})`;
        })
        .join(", ") + ` [${release}]`,
    )
    .join("; ");
}
