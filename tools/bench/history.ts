/**
 * History for the rule-cost bench, written before Prometheus starts: the load exporter's series over the past 24 h,
 * turned into TSDB blocks by Prometheus' own `promtool tsdb create-blocks-from openmetrics`.
 *
 * The shape (one table, {@link HISTORY_SHAPE}) is what fits the bench's budget on 2 cores: promtool turns ~75k
 * samples a second into blocks here, so 24 h at the 15 s scrape (5,760 samples a series, 288M at 50k series) is out
 * of reach; this shape is 162 samples a series. Every rule window is full, at the resolution it needs:
 * - the last 30 min at 30 s: the 5m rate windows hold 10 samples, and a panel's 1m rate finds two;
 * - 30 min to 6 h back at 5 min: the 1h cancellation and 6h stall windows are full;
 * - 6 h to 24 h back at 30 min: the 24h panels have a full day, coarsely.
 * Live scrapes at 15 s continue from there. Deployed and naive rule files read the same blocks (one is copied).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { binaryPath } from "../servers";
import type { SeriesExporter } from "./series-exporter";

/** Parts of the history, oldest first: from how far back to how far back, at what spacing (seconds). */
export const HISTORY_SHAPE: readonly { readonly from: number; readonly to: number; readonly every: number }[] = [
  { from: 24 * 3600, to: 6 * 3600, every: 30 * 60 },
  { from: 6 * 3600, to: 1800, every: 5 * 60 },
  { from: 1800, to: 30, every: 30 },
];

export const HISTORY_SECONDS = HISTORY_SHAPE[0].from;

/** The sample times of the shape, ending a minute before `now` (seconds since the epoch). */
export function historyTimestamps(now: number): number[] {
  const times: number[] = [];
  for (const part of HISTORY_SHAPE) for (let back = part.from; back > part.to; back -= part.every) times.push(now - back);
  times.push(now - HISTORY_SHAPE[HISTORY_SHAPE.length - 1].to);
  return times;
}

/** Writes the exporter's history into `dataDir` as TSDB blocks; the OpenMetrics text is removed afterwards. */
export async function backfill(exporter: SeriesExporter, now: number, dataDir: string): Promise<{ samples: number }> {
  const timestamps = historyTimestamps(now);
  const text = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.om`);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    await exporter.writeOpenMetrics(text, timestamps);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binaryPath("promtool"), ["tsdb", "create-blocks-from", "openmetrics", text, dataDir], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`promtool create-blocks-from openmetrics exited ${code}: ${stderr.slice(-2000)}`))));
    });
  } finally {
    fs.rmSync(text, { force: true });
  }
  return { samples: timestamps.length * (exporter.seriesCount + 3) };
}
