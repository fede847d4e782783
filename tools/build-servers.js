#!/usr/bin/env node
/**
 * Builds the Prometheus and Alertmanager releases the tests run (tools/versions.json: `current`, or the release
 * BILLING_PROMETHEUS_VERSION / BILLING_ALERTMANAGER_VERSION names) and the config reloader the stack's sidecar runs
 * (prometheus-operator's prometheus-config-reloader) from their Go modules, once per version, into the cache
 * tools/servers.ts reads. `tools/setup.sh` runs it after `npm ci`; it is plain JavaScript so that it
 * needs no build step of its own.
 *
 * Releases equal to Debian's packages (the oldest supported, config/oldest-supported.json) are not built: setup.sh
 * installs them.
 */
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const VERSIONS = require("./versions.json");
/** The oldest supported releases: Debian's packages, installed by setup.sh, never built. */
const OLDEST = require("../config/oldest-supported.json");
const PROGRESS_EVERY_MS = 30_000;

/** What an interruption must clean up: the build folder and the running child. */
const inFlight = { work: undefined, child: undefined };

/** Where built releases live: one folder per server and version (shared with tools/servers.ts). */
function cacheRoot() {
  return process.env.BILLING_TOOLS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "billing-monitoring");
}

/** The release each server is built at: the override from the environment, else the pinned current one. */
function wantedVersion(server) {
  const override = process.env[`BILLING_${server.toUpperCase()}_VERSION`];
  if (override !== undefined && override !== "") {
    if (!/^\d+\.\d+\.\d+$/.test(override)) fail(`BILLING_${server.toUpperCase()}_VERSION is "${override}": give a release as MAJOR.MINOR.PATCH, e.g. ${VERSIONS[server].current}`);
    return override;
  }
  return VERSIONS[server].current;
}

/**
 * The Go module version of a release. Prometheus publishes its module at v0.MINOR.PATCH for 2.x and
 * v0.3MM.PATCH for 3.x (3.16.0 is v0.316.0); Alertmanager's module version is its release.
 */
function moduleVersion(server, version) {
  const [major, minor, patch] = version.split(".").map(Number);
  if (server !== "prometheus") return `v${version}`;
  if (major === 2) return `v0.${minor}.${patch}`;
  if (major === 3) return `v0.${300 + minor}.${patch}`;
  fail(`prometheus ${version}: no Go module version is known for major version ${major}`);
}

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function goBinary() {
  for (const candidate of [...(process.env.PATH || "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "go")), "/usr/local/go/bin/go"]) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  fail("Go is needed to build Prometheus, Alertmanager and the config reloader (go.dev/doc/install; this project is tested with Go 1.26): `go` is not on PATH nor in /usr/local/go/bin");
}

/** The release a binary reports (`prometheus, version 3.16.0 (branch: …)`), or undefined. */
function reportedVersion(binary) {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return /version (\d+\.\d+\.\d+)/.exec(`${result.stdout}${result.stderr}`)?.[1];
}

function removeWork() {
  if (inFlight.work === undefined) return;
  spawnSync("chmod", ["-R", "u+w", inFlight.work]);
  fs.rmSync(inFlight.work, { recursive: true, force: true });
  inFlight.work = undefined;
}

function formatDuration(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

/** Runs a command, its output kept for the error message; resolves with it, rejects with its tail. */
function run(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    inFlight.child = child;
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${path.basename(command)} ${args.slice(0, 2).join(" ")} exited with ${signal ?? code}:\n${output.trim().split("\n").slice(-25).join("\n")}`));
    });
  });
}

/** Alertmanager embeds its web UI from ui/app/dist, built by npm in its release process and absent from the module. */
function placeholderUi(source) {
  const dist = path.join(source, "ui", "app", "dist");
  const web = path.join(source, "ui", "web.go");
  if (!fs.existsSync(web) || !fs.readFileSync(web, "utf8").includes("go:embed app/dist") || fs.existsSync(dist)) return;
  const page = "<!doctype html><title>Alertmanager</title><p>This build has no web UI (built from the Go module); its API is complete.</p>\n";
  for (const ui of ["elm", "mantine"]) {
    fs.mkdirSync(path.join(dist, ui), { recursive: true });
    fs.writeFileSync(path.join(dist, ui, "index.html"), page);
  }
}

/**
 * A module's zip leaves out the modules nested in its repository (prometheus-operator's pkg/apis/monitoring and
 * pkg/client), which its go.mod replaces with their local folders: without those folders the replacement cannot
 * hold, so it is dropped and Go takes the nested modules at the versions go.mod requires (the same release).
 */
async function dropMissingReplacements(go, source, env) {
  // `go mod edit -json` gives `"Replace": null` for a go.mod without replacements.
  const replacements = JSON.parse(await run(go, ["mod", "edit", "-json"], { cwd: source, env })).Replace ?? [];
  const missing = replacements.filter(({ New }) => New.Path.startsWith(".") && !fs.existsSync(path.join(source, New.Path)));
  if (missing.length > 0) await run(go, ["mod", "edit", ...missing.map(({ Old }) => `-dropreplace=${Old.Path}`)], { cwd: source, env });
}

async function build(server, version, go) {
  const { module, binaries, tags } = VERSIONS[server];
  const target = path.join(cacheRoot(), `${server}-${version}`);
  const stamp = path.join(target, ".built");
  if (fs.existsSync(stamp) && binaries.every((binary) => reportedVersion(path.join(target, binary)) === version)) {
    console.log(`setup: ${server} ${version} is built (${target})`);
    return;
  }
  const ref = `${module}@${moduleVersion(server, version)}`;
  const started = Date.now();
  console.log(`setup: building ${server} ${version} (${binaries.join(", ")}) from ${ref}: once per version, a few minutes`);
  const ticker = setInterval(() => console.log(`setup: still building ${server} ${version} (${formatDuration(Date.now() - started)})`), PROGRESS_EVERY_MS);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheRoot(), `.build-${server}-`));
  inFlight.work = work;
  const env = { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  try {
    const downloaded = JSON.parse(await run(go, ["mod", "download", "-json", ref], { cwd: work, env }));
    if (downloaded.Error) throw new Error(downloaded.Error);
    const source = path.join(work, "src");
    fs.cpSync(downloaded.Dir, source, { recursive: true });
    spawnSync("chmod", ["-R", "u+w", source]);
    placeholderUi(source);
    await dropMissingReplacements(go, source, env);
    const out = path.join(work, "bin");
    const stampVersion = [
      `-X github.com/prometheus/common/version.Version=${version}`,
      `-X github.com/prometheus/common/version.Revision=${moduleVersion(server, version)}`,
      "-X github.com/prometheus/common/version.Branch=go-module",
      "-X github.com/prometheus/common/version.BuildUser=billing-monitoring-setup",
    ].join(" ");
    for (const binary of binaries) {
      await run(go, ["build", "-trimpath", `-tags=${tags.join(",")}`, `-ldflags=${stampVersion}`, "-o", path.join(out, binary), `./cmd/${binary}`], { cwd: source, env });
      const reported = reportedVersion(path.join(out, binary));
      if (reported !== version) throw new Error(`the built ${binary} reports version ${reported ?? "(none)"}`);
    }
    fs.writeFileSync(path.join(out, ".built"), `${ref} tags=${tags.join(",")}\n`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(out, target);
    console.log(`setup: built ${server} ${version} in ${formatDuration(Date.now() - started)} (${target})`);
  } catch (error) {
    fail(`building ${server} ${version} from ${ref} failed: ${error.message}`);
  } finally {
    clearInterval(ticker);
    removeWork();
  }
}

async function main() {
  const wanted = Object.keys(VERSIONS).map((server) => [server, wantedVersion(server)]);
  const toBuild = wanted.filter(([server, version]) => version !== OLDEST[server]);
  if (toBuild.length === 0) return;
  const go = goBinary();
  for (const [server, version] of toBuild) await build(server, version, go);
}

if (require.main === module) {
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      inFlight.child?.kill("SIGKILL");
      removeWork();
      fail(`interrupted (${signal}); nothing half-built is kept`);
    });
  }
  main();
} else {
  module.exports = { dropMissingReplacements, goBinary };
}
