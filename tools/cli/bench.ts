/**
 * npm run bench: what the stack costs to run, to test, and to evaluate in Prometheus, measured side by side in one
 * run (machines here are noisy; ratios hold), written to BENCHMARKS.md. Bounded: about 10 minutes on 2 cores.
 *   --rounds N   rounds of the program-run timing (default 3); the suites run once each (tools/bench/suites.ts),
 *                the program suite cold and with kept runs
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { HISTORY_SHAPE } from "../bench/history";
import { benchRuleFiles, measureScale, PANEL_STEP_SECONDS, type ScaleResult } from "../bench/rule-cost";
import { baselineCheckout, runSuite, type SuiteRun } from "../bench/suites";
import { ROOT } from "../engine/program";
import { type CommandSpec, type OptionSpec, type Parsed, runCommand, UsageError } from "./args";
import { median, programRunCommands, timeSideBySide, type Timing } from "../bench/timing";
import { serverVersion } from "../servers";

/** Raw series counts the rule cost is measured at. */
const SCALES = [10_000, 50_000];

interface Row {
  readonly what: string;
  readonly figure: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly command: string;
}

const seconds = (t: Timing): string => `${t.median.toFixed(2)} s`;
const verdict = (met: boolean): string => (met ? "met" : "**not met**");

function programRows(rounds: number): Row[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "billing-bench-"));
  try {
    // Pulumi's default: ts-node type-checks (the project's tsconfig minus its "ts-node" section, rootDir made absolute).
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown>; "ts-node"?: unknown };
    delete tsconfig["ts-node"];
    tsconfig.compilerOptions.rootDir = ROOT;
    const typeChecked = path.join(out, "tsconfig.type-checked.json");
    fs.writeFileSync(typeChecked, JSON.stringify(tsconfig));
    const [floor, preview, typeCheckedPreview, render] = timeSideBySide(programRunCommands(out, typeChecked), rounds, ROOT);
    const ratio = preview.median / floor.median;
    const speedup = typeCheckedPreview.median / preview.median;
    return [
      { what: "`npm run preview -- --stack staging`: the program through Pulumi's cmd/run and the local engine", figure: seconds(preview), baseline: `${seconds(floor)}: load the 3 Pulumi packages`, ratio: `${ratio.toFixed(2)}×`, target: `≤ 1.5×: ${verdict(ratio <= 1.5)}`, command: preview.commandLine },
      { what: "The same preview vs Pulumi's default ts-node (type-checking)", figure: seconds(preview), baseline: `${seconds(typeCheckedPreview)}: ts-node, type-checked`, ratio: `${speedup.toFixed(1)}× faster`, target: `≥ 4× faster: ${verdict(speedup >= 4)}`, command: typeCheckedPreview.commandLine },
      { what: "`npm run render`: both stacks, as `pulumi up` runs them", figure: seconds(render), baseline: `${seconds(floor)}: load the 3 Pulumi packages`, ratio: `${(render.median / floor.median).toFixed(2)}×`, target: "", command: render.commandLine },
    ];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

interface NotifyRow {
  readonly scenario: string;
  readonly alert: string;
  readonly measuredSeconds: number;
  readonly boundSeconds: number;
}

const E2E_FIGURES = path.join(ROOT, ".tmp", "bench", "e2e-switch-to-email.json");
const E2E_HA_FIGURE = path.join(ROOT, ".tmp", "bench", "e2e-ha-switch-to-email.json");
const E2E_RELOAD_FIGURE = path.join(ROOT, ".tmp", "bench", "e2e-reload-gap.json");

/** The longest time between two rule evaluations across a rules change, reloaded and restarted (test/e2e/reload.e2e.test.ts). */
interface ReloadFigure {
  readonly intervalSeconds: number;
  readonly reload: number;
  readonly restart: number;
}

interface HaFigure {
  readonly scenario: string;
  readonly alert: string;
  readonly alertmanagers: number;
  readonly prometheus: number;
  readonly measuredSeconds: number;
}

interface SuiteFigures {
  readonly rows: Row[];
  readonly files: Row[];
  readonly notify: NotifyRow[][];
  readonly ha: HaFigure[];
  readonly reload: ReloadFigure[];
}

/**
 * The suites, cold as on a clean clone (CI) and, for the program suite, with the runs the cold round kept; beside the
 * one jest suite of the revision before the split, cold. Then the e2e suite once.
 */
function testSuiteRows(): SuiteFigures {
  const notify: NotifyRow[][] = [];
  const ha: HaFigure[] = [];
  const reload: ReloadFigure[] = [];
  const before = baselineCheckout(ROOT);
  let baseline: SuiteRun;
  try {
    baseline = runSuite(before.dir, [], { cold: true });
  } finally {
    before.remove();
  }
  const unit = runSuite(ROOT, [], { cold: true });
  const program = runSuite(ROOT, ["-c", "test/jest.program.config.js"], { cold: true });
  const programWarm = runSuite(ROOT, ["-c", "test/jest.program.config.js"], { cold: false });
  const rules = runSuite(ROOT, ["-c", "test/jest.rules.config.js"], { cold: false });
  const jest = path.join(ROOT, "node_modules", "jest", "bin", "jest.js");
  const [e2e] = timeSideBySide(
    [
      {
        name: "e2e suite",
        command: process.execPath,
        args: [jest, "-c", "test/jest.e2e.config.js"],
        after: () => {
          notify.push((JSON.parse(fs.readFileSync(E2E_FIGURES, "utf8")) as { rows: NotifyRow[] }).rows);
          ha.push(JSON.parse(fs.readFileSync(E2E_HA_FIGURE, "utf8")) as HaFigure);
          reload.push(JSON.parse(fs.readFileSync(E2E_RELOAD_FIGURE, "utf8")) as ReloadFigure);
        },
      },
    ],
    1,
    ROOT,
  );
  const s = (run: SuiteRun) => `${run.seconds.toFixed(1)} s (${run.tests} tests)`;
  const was = `${s(baseline)}: the one jest suite before the split, cold`;
  const together = unit.seconds + program.seconds + rules.seconds;
  const rows: Row[] = [
    { what: "Unit suite, cold (a clean clone, CI)", figure: s(unit), baseline: was, ratio: `${(baseline.seconds / unit.seconds).toFixed(0)}× faster`, target: `≤ 20 s: ${verdict(unit.seconds <= 20)}`, command: "npx jest" },
    { what: "Program suite, cold", figure: s(program), baseline: was, ratio: "", target: "", command: "rm -rf node_modules/.cache/billing-monitoring && npm run test:program" },
    { what: "Program suite, with the runs the cold round kept", figure: s(programWarm), baseline: s(program), ratio: `${(program.seconds / programWarm.seconds).toFixed(1)}× faster`, target: "", command: "npm run test:program" },
    { what: "Rules suite", figure: s(rules), baseline: was, ratio: "", target: "", command: "npm run test:rules" },
    { what: "Unit, program (cold) and rules suites, one after another", figure: `${together.toFixed(1)} s (${unit.tests + program.tests + rules.tests} tests)`, baseline: was, ratio: `${(baseline.seconds / together).toFixed(2)}×`, target: "", command: "npm run test:unit && npm run test:program && npm run test:rules" },
    { what: "End-to-end suite (real Prometheus, Alertmanager, SMTP)", figure: seconds(e2e), baseline: "", ratio: "", target: "≤ 300 s: " + verdict(e2e.median <= 300), command: "npm run test:e2e" },
  ];
  // Per file: now (in whichever suite it moved to) beside before; files are matched by name, as some moved.
  const now = new Map<string, { file: string; suite: string; seconds: number }>();
  const commands = { unit: "npx jest", "program (cold)": "npm run test:program --", rules: "npm run test:rules --" };
  for (const [suite, run] of [["unit", unit], ["program (cold)", program], ["rules", rules]] as const) {
    for (const [file, secs] of run.files) now.set(path.basename(file), { file, suite, seconds: secs });
  }
  const names = [...new Set([...now.keys(), ...[...baseline.files.keys()].map((f) => path.basename(f))])];
  const beforeOf = (name: string) => [...baseline.files].find(([file]) => path.basename(file) === name);
  const files: Row[] = names
    .map((name) => ({ name, now: now.get(name), before: beforeOf(name) }))
    .sort((a, b) => (b.before?.[1] ?? 0) - (a.before?.[1] ?? 0))
    .map(({ now: n, before: b }) => ({
      what: n?.file ?? b![0],
      figure: n ? `${n.seconds.toFixed(1)} s, ${n.suite}` : "removed",
      baseline: b ? `${b[1].toFixed(1)} s` : "new",
      ratio: n && b ? `${(b[1] / Math.max(n.seconds, 0.05)).toFixed(1)}×` : "",
      target: "",
      command: n ? `${commands[n.suite as keyof typeof commands]} ${n.file}` : "",
    }));
  return { rows, files, notify, ha, reload };
}

function notifyRows(runs: NotifyRow[][]): Row[] {
  const scenarios = runs[0]?.map((row) => row.scenario) ?? [];
  return scenarios.map((scenario) => {
    const rows = runs.map((run) => run.find((row) => row.scenario === scenario)!).filter(Boolean);
    const measured = median(rows.map((row) => row.measuredSeconds));
    const bound = rows[0].boundSeconds;
    const ratio = measured / bound;
    return {
      what: `Time to notify: ${scenario} (${rows[0].alert})`,
      figure: `${measured.toFixed(1)} s`,
      baseline: `${bound} s bound (for + scrape + evaluation + group wait)`,
      ratio: `${ratio.toFixed(2)}×`,
      target: `≤ 1.1×: ${verdict(ratio <= 1.1)}`,
      command: "npm run test:e2e (the run above)",
    };
  });
}

/** The clustered sandbox's switch-to-email beside the one-replica sandbox's, for the same scenario, in the same e2e run. */
function haRows(ha: readonly HaFigure[], notify: readonly NotifyRow[][]): Row[] {
  return ha.map((figure) => {
    const single = notify.flat().find((row) => row.scenario === figure.scenario);
    if (!single) throw new Error(`no one-replica figure for ${figure.scenario}`);
    return {
      what: `Time to notify with ${figure.alertmanagers} clustered Alertmanagers and ${figure.prometheus} Prometheus: ${figure.scenario} (${figure.alert})`,
      figure: `${figure.measuredSeconds.toFixed(1)} s`,
      baseline: `${single.measuredSeconds.toFixed(1)} s with one of each`,
      ratio: `${(figure.measuredSeconds / single.measuredSeconds).toFixed(2)}×`,
      target: "",
      command: "npm run test:e2e (test/e2e/ha.e2e.test.ts beside test/e2e/scenarios.e2e.test.ts)",
    };
  });
}

function reloadRows(figures: readonly ReloadFigure[]): Row[] {
  return figures.map((figure) => ({
    what: `Longest time between two evaluations of a rule group across a rules change, reloaded by the sidecar (evaluation every ${figure.intervalSeconds} s)`,
    figure: `${figure.reload.toFixed(2)} s`,
    baseline: `${figure.restart.toFixed(2)} s restarted (configReload: restart)`,
    ratio: `${(figure.restart / figure.reload).toFixed(1)}× shorter`,
    target: `≤ 1.5 intervals: ${verdict(figure.reload <= figure.intervalSeconds * 1.5)}`,
    command: "npm run test:e2e (test/e2e/reload.e2e.test.ts, the run above)",
  }));
}

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;

function ruleCostRows(results: ScaleResult[], deployedIntervalSeconds: number): Row[] {
  return results.flatMap((r) => {
    const share = r.recordedSeconds / deployedIntervalSeconds;
    const cost = r.recordedSeconds / r.beforeSeconds;
    const scale = `${r.series.toLocaleString("en")} raw series`;
    const rows: Row[] = [
      {
        what: `Rule evaluation, ${scale} (${r.customers} customers × 3 plans × 6 series), full windows`,
        figure: `${(r.recordedSeconds * 1000).toFixed(1)} ms all billing groups`,
        baseline: `${(r.beforeSeconds * 1000).toFixed(1)} ms the rules before new-series counting and SLOs`,
        ratio: `${cost.toFixed(2)}× the cost; ${(share * 100).toFixed(2)} % of the ${deployedIntervalSeconds}s interval`,
        target: r.series >= 50_000 ? `≤ 5 %: ${verdict(share <= 0.05)}` : "",
        command: "npm run bench (tools/bench/rule-cost.ts)",
      },
      ...Object.entries(r.perGroup).map(([group, { recorded, before }]) => ({
        what: `… group ${group}, ${scale}`,
        figure: `${(recorded * 1000).toFixed(1)} ms`,
        baseline: `${(before * 1000).toFixed(1)} ms before`,
        ratio: before > 0 ? `${(recorded / before).toFixed(1)}× the cost` : "new group",
        target: "",
        command: "prometheus_rule_group_last_duration_seconds, median of the samples",
      })),
      {
        what: `Peak Prometheus memory, ${scale}`,
        figure: mib(r.peakMemoryBytes.recorded),
        baseline: `${mib(r.peakMemoryBytes.before)} before`,
        ratio: "",
        target: "",
        command: "process_resident_memory_bytes, highest sample",
      },
    ];
    for (const q of r.queryLatencies ?? []) {
      rows.push({
        what: `Dashboard query over 24h at ${r.series.toLocaleString("en")} series: ${q.panel}`,
        figure: `${(q.seconds * 1000).toFixed(0)} ms`,
        baseline: q.baselineSeconds !== undefined ? `${(q.baselineSeconds * 1000).toFixed(0)} ms the panel's query before` : "new panel",
        ratio: q.baselineSeconds !== undefined && q.seconds > 0 ? `${(q.baselineSeconds / q.seconds).toFixed(1)}× faster` : "",
        target: `≤ 100 ms: ${verdict(q.seconds <= 0.1)}`,
        command: `GET /api/v1/query_range, step ${PANEL_STEP_SECONDS}s, median of 3`,
      });
    }
    return rows;
  });
}

/**
 * Setting up the servers on a fresh machine (empty Go module, Go build and server caches: every module downloaded
 * from the Go module proxy and compiled) beside a warm one (`./tools/setup.sh` again: each cached build found by
 * its version). The npm install and the Debian packages are the same on both and are not in the fresh figure.
 */
function setupRows(log: (what: string) => void): Row[] {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "billing-bench-setup-"));
  try {
    const env = { ...process.env, GOMODCACHE: path.join(fresh, "gomod"), GOCACHE: path.join(fresh, "gobuild"), BILLING_TOOLS_CACHE: path.join(fresh, "servers") };
    log("setup of the servers with every cache empty (Go modules downloaded and compiled)");
    const t0 = performance.now();
    const built = spawnSync(process.execPath, [path.join(ROOT, "tools", "build-servers.js")], { cwd: ROOT, env, encoding: "utf8" });
    const freshSeconds = (performance.now() - t0) / 1000;
    if (built.status !== 0) throw new Error(`tools/build-servers.js failed on empty caches:\n${built.stdout}${built.stderr}`);
    const warm = [0, 1, 2].map(() => {
      const t = performance.now();
      const run = spawnSync("bash", [path.join(ROOT, "tools", "setup.sh")], { cwd: ROOT, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`tools/setup.sh failed:\n${run.stdout}${run.stderr}`);
      return (performance.now() - t) / 1000;
    });
    const servers = `Prometheus ${serverVersion("prometheus")} (prometheus, promtool) and Alertmanager ${serverVersion("alertmanager")} (alertmanager, amtool)`;
    return [
      {
        what: `Setup on a fresh machine: ${servers} built from their Go modules`,
        figure: `${freshSeconds.toFixed(0)} s`,
        baseline: `${median(warm).toFixed(2)} s on a warm machine (the whole ./tools/setup.sh, median of 3)`,
        ratio: `${(freshSeconds / median(warm)).toFixed(0)}×`,
        target: "",
        command: "node tools/build-servers.js with GOMODCACHE, GOCACHE, BILLING_TOOLS_CACHE empty; then ./tools/setup.sh",
      },
    ];
  } finally {
    spawnSync("chmod", ["-R", "u+w", fresh]);
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

/** The deployed rules and panel queries on the current Prometheus beside the oldest supported one, same history. */
function releaseRows(results: ScaleResult[], deployedIntervalSeconds: number): Row[] {
  const [current, oldest] = [serverVersion("prometheus"), serverVersion("prometheus", "oldest")];
  return results.flatMap((r) => {
    if (r.oldestSeconds === undefined) return [];
    const scale = `${r.series.toLocaleString("en")} raw series`;
    return [
      {
        what: `Rule evaluation on Prometheus ${current}, ${scale}, all billing groups`,
        figure: `${(r.recordedSeconds * 1000).toFixed(1)} ms`,
        baseline: `${(r.oldestSeconds * 1000).toFixed(1)} ms on ${oldest}`,
        ratio: `${(r.recordedSeconds / r.oldestSeconds).toFixed(2)}× the cost; ${((r.recordedSeconds / deployedIntervalSeconds) * 100).toFixed(2)} % of the ${deployedIntervalSeconds}s interval`,
        target: `≤ 5 %: ${verdict(r.recordedSeconds / deployedIntervalSeconds <= 0.05)}`,
        command: "npm run bench (tools/bench/rule-cost.ts, oldestRelease)",
      },
      {
        what: `Peak Prometheus memory on ${current}, ${scale}`,
        figure: mib(r.peakMemoryBytes.recorded),
        baseline: `${mib(r.peakMemoryBytes.oldest ?? 0)} on ${oldest}`,
        ratio: "",
        target: "",
        command: "process_resident_memory_bytes, highest sample",
      },
      ...(r.queryLatencies ?? [])
        .filter((q) => q.oldestSeconds !== undefined)
        .map((q) => ({
          what: `Dashboard query over 24h on ${current}, ${scale}: ${q.panel}`,
          figure: `${(q.seconds * 1000).toFixed(0)} ms`,
          baseline: `${(q.oldestSeconds! * 1000).toFixed(0)} ms on ${oldest}`,
          ratio: q.seconds > 0 ? `${(q.oldestSeconds! / q.seconds).toFixed(1)}× faster` : "",
          target: `≤ 100 ms: ${verdict(q.seconds <= 0.1)}`,
          command: `GET /api/v1/query_range, step ${PANEL_STEP_SECONDS}s, median of 3`,
        })),
    ];
  });
}

function table(rows: readonly Row[]): string {
  const lines = ["| What | Figure | Baseline | Ratio | Target | Command |", "|---|---|---|---|---|---|"];
  for (const row of rows) lines.push(`| ${row.what} | ${row.figure} | ${row.baseline} | ${row.ratio} | ${row.target} | \`${row.command.replace(process.execPath, "node").replace(/\/tmp\/billing-bench-\w+/g, "<tmp>")}\` |`);
  return lines.join("\n");
}

const BENCH = {
  name: "bench",
  usage: `usage: npm run bench [-- --rounds <n>]

Measures what the stack costs to run, to test, and to evaluate in Prometheus, side by side in one run, and writes
BENCHMARKS.md. About 10 minutes on 2 cores.

  --rounds <n>   rounds of the program-run timing (default 3); the suites run once each, the program suite cold and
                 with kept runs
  --help         this text`,
  options: { rounds: { type: "string" } },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

async function bench({ options }: Parsed<typeof BENCH.options>): Promise<number> {
  const started = Date.now();
  const rounds = options.rounds === undefined ? 3 : Number(options.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new UsageError(`--rounds: ${JSON.stringify(options.rounds)} is not a whole number of rounds, 1 or more`);
  const log = (what: string) => process.stderr.write(`bench: ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);

  const setup = setupRows(log);
  log("program run time");
  const program = programRows(rounds);
  log("test suites: the one suite before the split, cold; unit, program (cold, then kept runs), rules; e2e once");
  const suites = testSuiteRows();
  log("rule evaluation cost at 10k and 50k series on 24 h of history, side by side");
  // The two scales run at once (each its own history, exporter and two Prometheus servers): the bench stays within
  // its time budget, and the contention can only make the absolute figures worse, never the comparison unfair.
  const files = await benchRuleFiles();
  const scales = await Promise.all(SCALES.map((series) => measureScale(series, files, { warmupSeconds: 20, samples: 6, queries: series === 50_000, history: true, oldestRelease: series === 50_000, log })));
  const deployedInterval = 60;

  const text = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, Node ${process.version}) in ${Math.round((Date.now() - started) / 1000)} s. ` +
      "Every figure was measured side by side with its baseline in this one run; medians. Machines are noisy: read the ratios.",
    "",
    "## Setup",
    "",
    table(setup),
    "",
    "## Program run time",
    "",
    table(program),
    "",
    "## Test suite time",
    "",
    table(suites.rows),
    "",
    "Per test file, jest's own time for it (files ran two at a time), now and in the one suite before the split:",
    "",
    table(suites.files),
    "",
    "## Rule evaluation cost",
    "",
    `Two Prometheus servers start on the same 24 h of history and then scrape one load exporter every 15 s, evaluating their rules every 15 s: one with the rule file the production stack deploys, one with the rules deployed before counting saw new series and before the SLOs (\`tools/bench/baseline/\`, with its dashboard, whose panels read the raw series). The history is backfilled with \`promtool tsdb create-blocks-from openmetrics\` in this shape (\`tools/bench/history.ts\`): ${HISTORY_SHAPE.map((part) => `${part.from / 3600} h to ${part.to >= 3600 ? `${part.to / 3600} h` : `${part.to} s`} back every ${part.every >= 60 ? `${part.every / 60} min` : `${part.every} s`}`).join("; ")}, so every rule window (5m, 1h, 6h) is full when measured. Figures are the sum over the billing rule groups of \`prometheus_rule_group_last_duration_seconds\`, median of ${6} samples. The share is of the deployed evaluation interval (\`ruleEvaluationInterval\`, ${deployedInterval}s). Panel queries run over the last 24 h at the step Grafana uses for a 1920-px-wide panel (${PANEL_STEP_SECONDS}s); older than 30 min the history holds a sample every 5 or 30 min, so a rate over the panel's ${Math.max(PANEL_STEP_SECONDS + 15, 60)}s window finds data only in the last 30 min: the raw-series panel figures are a floor, not what a day at the 15 s scrape costs. Recorded series exist only from the server's start (the rules are not backfilled), so a panel reading them reads minutes, not a day: their cost is bounded by the handful of recorded series (one per namespace, plan and status), not by the raw series. 200k series do not fit the budget (the backfill alone would take ~9 min). The scales ran at the same time on the same ${os.cpus().length} cores.`,
    "",
    table(ruleCostRows(scales, deployedInterval)),
    "",
    "## The current Prometheus beside the oldest supported",
    "",
    `At the 50k scale a third server ran the deployed rule file on Prometheus ${serverVersion("prometheus", "oldest")} (Debian 12's) on the same backfilled history (blocks written by the current promtool), scraping the same exporter, sampled with the others.`,
    "",
    table(releaseRows(scales, deployedInterval)),
    "",
    "## Time to notify",
    "",
    "From a scenario switch in the sandbox to its email at the SMTP server, under the test profile (`tools/sandbox/profile.ts`). The bound is the issue's: `for` + scrape + evaluation + group wait. It leaves out the time a ratio, quantile or stall window takes to fill after the switch (the rate window, 8 s; the stall window, 10 s), which is where alerts exceed it.",
    "",
    table(notifyRows(suites.notify)),
    "",
    "With Alertmanager clustered, the replica first in the cluster's order notifies at once; each other one waits its position × `--cluster.peer-timeout` (2 s in the sandbox, 15 s by default) and sends only what the notification log, gossiped to it, says nobody sent. So with every replica up the first email takes as long as with one; the wait shows only when the first replica is down, when the second sends after one peer timeout. Two Prometheus replicas send the same alert (its replica label dropped), which Alertmanager merges into one.",
    "",
    table(haRows(suites.ha, suites.notify)),
    "",
    "## Reload beside restart",
    "",
    "In the sandbox, one Prometheus evaluating every second while a rules change goes live: written as the kubelet swaps a ConfigMap volume and reloaded by the real config reloader the stack's sidecar runs, beside the same Prometheus restarted (what `configReload: restart` does, without the pod's scheduling and image pull, so a floor). A restart in a cluster also replays the WAL, which grows with the data kept.",
    "",
    table(reloadRows(suites.reload)),
    "",
  ].join("\n");
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), text);
  process.stdout.write(text);
  log("done");
  return 0;
}

runCommand(BENCH, process.argv.slice(2), bench).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
