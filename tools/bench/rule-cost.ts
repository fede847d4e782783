/**
 * Rule evaluation cost at scale: two Prometheus servers scrape the same load exporter side by side, one with the
 * rule file the stack deploys, one with the rule file from before counting saw new series
 * (tools/bench/baseline/); each group's evaluation time is read from Prometheus' own
 * `prometheus_rule_group_last_duration_seconds`. Then each dashboard query runs over a 24h range on each, beside
 * the same panel's query from before. With `oldestRelease`, a third server runs the deployed rule file on the oldest
 * supported Prometheus (Debian's 2.42) beside the current one, on the same history: what the upgrade changes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { RELEASE_FEATURES } from "../../alerts/integrations";
import { type BillingConfig, parseConfig } from "../../config";
import { billingDashboard } from "../../dashboards/billing";
import { freePort, ManagedProcess } from "../sandbox/process";
import { toYaml } from "../../common/serialize";
import { binaryPath, type Release } from "../servers";
import { PLACEHOLDER_SETTINGS, REDACTED } from "../render/render";
import { declaredRuleFile, readStackFile, ROOT, runStack } from "../engine/program";
import { succeeded } from "../engine/run";
import { median } from "./timing";
import { METRICS } from "../../promql/metrics";
import { backfill, HISTORY_SECONDS, historyTimestamps } from "./history";
import { customersFor, SeriesExporter } from "./series-exporter";

/** The deployed production config, with Prometheus' scrape at 15 s and the rule groups evaluated at the same pace. */
const BENCH_OVERRIDES = { scrapeInterval: "15s", ruleEvaluationInterval: "15s" };
const STACK = "production";

export interface BenchRuleFiles {
  /** The rule file the production stack deploys (with the bench's scrape and evaluation interval). */
  readonly deployed: string;
  /** The rule file deployed before counting saw new series (tools/bench/baseline/), same intervals. */
  readonly before: string;
  /** The dashboard deployed then, whose panels read raw series. */
  readonly baselineDashboard: { panels?: unknown[] };
  readonly cfg: BillingConfig;
}

/** Renders both rule files, the deployed one by running the production stack (after staging) through the engine. */
export async function benchRuleFiles(): Promise<BenchRuleFiles> {
  const { text, cfg } = await deployedRuleFile();
  const baseline = path.join(ROOT, "tools", "bench", "baseline");
  return {
    deployed: text,
    before: fs.readFileSync(path.join(baseline, "billing-alerts.yml"), "utf8"),
    baselineDashboard: JSON.parse(fs.readFileSync(path.join(baseline, "dashboard.json"), "utf8")) as { panels?: unknown[] },
    cfg,
  };
}

async function deployedRuleFile(): Promise<{ text: string; cfg: BillingConfig }> {
  const secrets = { smtpPassword: REDACTED, grafanaToken: REDACTED };
  const run = succeeded(await runStack({ stack: STACK, settings: PLACEHOLDER_SETTINGS, config: BENCH_OVERRIDES, settingSecrets: secrets }));
  const values = { ...readStackFile(STACK), ...PLACEHOLDER_SETTINGS, ...BENCH_OVERRIDES, ...secrets };
  const cfg = parseConfig({ stack: STACK, values, secretKeys: new Set(Object.keys(secrets)) }, RELEASE_FEATURES);
  return { text: declaredRuleFile(run), cfg };
}

interface Server {
  readonly name: string;
  readonly port: number;
  readonly process: ManagedProcess;
  readonly dir: string;
}

async function startPrometheus(name: string, ruleFile: string, exporterPort: number, root: string, release: Release = "current"): Promise<Server> {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "rules.yml"), ruleFile);
  fs.writeFileSync(
    path.join(dir, "prometheus.yml"),
    toYaml({
      global: { scrape_interval: BENCH_OVERRIDES.scrapeInterval, evaluation_interval: BENCH_OVERRIDES.ruleEvaluationInterval },
      rule_files: [path.join(dir, "rules.yml")],
      // honor_labels: the exporter sets `namespace` itself, as Kubernetes service discovery would.
      scrape_configs: [{ job_name: "rsolv-platform", honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
    }),
  );
  const port = await freePort();
  const process = new ManagedProcess(`prometheus-${name}`, binaryPath("prometheus", release), [
    `--config.file=${path.join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  process.start();
  return { name, port, process, dir };
}

async function get(port: number, pathAndQuery: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`);
  if (!response.ok) throw new Error(`GET ${pathAndQuery}: ${response.status} ${await response.text()}`);
  return response.text();
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Each billing rule group's last evaluation time, from the server's own metrics. */
async function groupDurations(server: Server): Promise<Map<string, number>> {
  const text = await get(server.port, "/metrics");
  const durations = new Map<string, number>();
  // Group names end in the environment since the rules of two environments share one Prometheus; the rules from
  // before did not: compare them by the name without it.
  for (const match of text.matchAll(/^prometheus_rule_group_last_duration_seconds\{rule_group="[^"]*;(billing-[\w-]+)"\} (\S+)$/gm)) durations.set(match[1].replace(/-production$/, ""), Number(match[2]));
  return durations;
}

export interface ScaleResult {
  readonly series: number;
  readonly customers: number;
  readonly evaluationIntervalSeconds: number;
  /** Median over the samples of the sum over groups, in seconds. */
  readonly recordedSeconds: number;
  readonly beforeSeconds: number;
  /** The deployed rules on the oldest supported Prometheus (with `oldestRelease`). */
  readonly oldestSeconds?: number;
  /** Per billing rule group, median seconds: deployed, and the rules from before. */
  readonly perGroup: Record<string, { readonly recorded: number; readonly before: number; readonly oldest?: number }>;
  readonly queryLatencies?: { panel: string; seconds: number; baselineSeconds?: number; oldestSeconds?: number }[];
  /** Peak resident memory of each server while it was measured, in bytes. */
  readonly peakMemoryBytes: { readonly recorded: number; readonly before: number; readonly oldest?: number };
  /** Samples backfilled before the servers started (0 without history). */
  readonly backfilledSamples: number;
}

/** The Grafana step of a 24h query in a 1920-px-wide panel: one point per pixel. */
export const PANEL_STEP_SECONDS = Math.ceil(86400 / 1920);

/**
 * Grafana variables a panel query may hold, replaced as Grafana would for "All" over a 24h range at the panel step:
 * `$__rate_interval` is max(step + scrape interval, 4 × scrape interval) with the data source's 15 s scrape.
 */
function substitute(expr: string): string {
  const rateInterval = Math.max(PANEL_STEP_SECONDS + 15, 4 * 15);
  return expr
    .replace(/\$__rate_interval/g, `${rateInterval}s`)
    .replace(/\$__range/g, "24h")
    .replace(/\$__interval/g, `${PANEL_STEP_SECONDS}s`)
    // Grafana interpolates both spellings, `$plan` and `${plan}`, and writes All as the variable's allValue.
    .replace(/\$\{(plan|customer_id)\}|\$(plan|customer_id)\b/g, ".*");
}

/** Fails unless every payment series holds the backfilled samples of the longest rule window (6h). */
async function expectHistory(server: Server, now: number): Promise<void> {
  const expected = historyTimestamps(now).filter((t) => t > now - 6 * 3600).length;
  const query = `min(count_over_time(${METRICS.paymentProcessed.name}[6h]))`;
  const body = JSON.parse(await get(server.port, `/api/v1/query?${new URLSearchParams({ query, time: String(now) })}`)) as { data: { result: { value: [number, string] }[] } };
  const found = Number(body.data.result[0]?.value[1] ?? 0);
  if (found < expected) throw new Error(`${server.name}: the 6h window holds ${found} samples of a payment series, not the ${expected} backfilled`);
}

async function residentMemory(server: Server): Promise<number> {
  const match = /^process_resident_memory_bytes (\S+)$/m.exec(await get(server.port, "/metrics"));
  return match ? Number(match[1]) : 0;
}

export async function measureScale(
  series: number,
  files: BenchRuleFiles,
  opts: { warmupSeconds: number; samples: number; queries: boolean; history: boolean; oldestRelease?: boolean; log: (what: string) => void },
): Promise<ScaleResult> {
  const { deployed: text, before, cfg } = files;
  const now = Math.floor(Date.now() / 1000);
  const exporter = new SeriesExporter(customersFor(series), cfg.appNamespace, opts.history ? (now - HISTORY_SECONDS) * 1000 : Date.now());
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "billing-rule-cost-"));
  const servers: Server[] = [];
  try {
    let backfilledSamples = 0;
    if (opts.history) {
      opts.log(`${exporter.seriesCount.toLocaleString("en")} series: backfilling 24 h of history with promtool`);
      backfilledSamples = (await backfill(exporter, now, path.join(root, "recorded", "data"))).samples;
      // The server on the rules from before reads the same blocks.
      fs.cpSync(path.join(root, "recorded", "data"), path.join(root, "before", "data"), { recursive: true });
      if (opts.oldestRelease) fs.cpSync(path.join(root, "recorded", "data"), path.join(root, "oldest", "data"), { recursive: true });
      opts.log(`${exporter.seriesCount.toLocaleString("en")} series: ${backfilledSamples.toLocaleString("en")} samples backfilled; starting Prometheus`);
    }
    const exporterPort = await exporter.start();
    servers.push(await startPrometheus("recorded", text, exporterPort, root));
    servers.push(await startPrometheus("before", before, exporterPort, root));
    if (opts.oldestRelease) servers.push(await startPrometheus("oldest", text, exporterPort, root, "oldest"));
    for (const server of servers) await until(`${server.name} to evaluate its rules`, async () => (await groupDurations(server)).size >= 5, 180_000);
    if (opts.history) for (const server of servers) await expectHistory(server, now);
    await new Promise((resolve) => setTimeout(resolve, opts.warmupSeconds * 1000));
    const samples: Record<string, Map<string, number>[]> = { recorded: [], before: [], oldest: [] };
    const peakMemoryBytes = { recorded: 0, before: 0, oldest: 0 };
    for (let i = 0; i < opts.samples; i++) {
      for (const server of servers) {
        samples[server.name].push(await groupDurations(server));
        const name = server.name as keyof typeof peakMemoryBytes;
        peakMemoryBytes[name] = Math.max(peakMemoryBytes[name], await residentMemory(server));
      }
      await new Promise((resolve) => setTimeout(resolve, cfg.ruleEvaluationInterval.seconds * 1000));
    }
    const total = (maps: Map<string, number>[]) => median(maps.map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
    const groupMedian = (maps: Map<string, number>[], group: string) => median(maps.map((m) => m.get(group) ?? 0));
    const perGroup = Object.fromEntries(
      [...new Set([...samples.recorded[0].keys(), ...samples.before[0].keys()])]
        .sort()
        .map((group) => [group, { recorded: groupMedian(samples.recorded, group), before: groupMedian(samples.before, group), ...(opts.oldestRelease ? { oldest: groupMedian(samples.oldest, group) } : {}) }]),
    );
    let queryLatencies: ScaleResult["queryLatencies"];
    if (opts.queries) {
      const end = Math.floor(Date.now() / 1000);
      const timed = async (server: Server, expr: string): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          await get(server.port, `/api/v1/query_range?${new URLSearchParams({ query: substitute(expr), start: String(end - 86400), end: String(end), step: String(PANEL_STEP_SECONDS) })}`);
          times.push((performance.now() - t0) / 1000);
        }
        return median(times);
      };
      const targetsOf = (panel: unknown) => ((panel as { targets?: { expr?: string }[] }).targets ?? []).filter((t) => t.expr);
      const titleOf = (panel: unknown) => (panel as { title?: string }).title ?? "?";
      const before = new Map<string, string[]>(((files.baselineDashboard.panels ?? []) as unknown[]).map((panel) => [titleOf(panel), targetsOf(panel).map((t) => t.expr!)]));
      queryLatencies = [];
      for (const panel of billingDashboard(cfg).panels ?? []) {
        const targets = targetsOf(panel);
        const old = before.get(titleOf(panel)) ?? [];
        for (const [i, target] of targets.entries()) {
          const seconds = await timed(servers[0], target.expr!);
          const baselineSeconds = old[i] ? await timed(servers[1], old[i]) : undefined;
          const oldestSeconds = opts.oldestRelease ? await timed(servers[2], target.expr!) : undefined;
          queryLatencies.push({ panel: titleOf(panel), seconds, ...(baselineSeconds !== undefined ? { baselineSeconds } : {}), ...(oldestSeconds !== undefined ? { oldestSeconds } : {}) });
        }
      }
    }
    return {
      series: exporter.seriesCount,
      customers: customersFor(series),
      evaluationIntervalSeconds: cfg.ruleEvaluationInterval.seconds,
      recordedSeconds: total(samples.recorded),
      beforeSeconds: total(samples.before),
      ...(opts.oldestRelease ? { oldestSeconds: total(samples.oldest) } : {}),
      perGroup,
      ...(queryLatencies ? { queryLatencies } : {}),
      peakMemoryBytes,
      backfilledSamples,
    };
  } finally {
    for (const server of servers) await server.process.stop();
    await exporter.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
