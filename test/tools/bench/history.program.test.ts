/**
 * The bench's history: the shape's sample times, and the blocks promtool makes from the exporter's OpenMetrics text.
 */
import * as path from "node:path";

import { backfill, HISTORY_SHAPE, historyTimestamps } from "../../../tools/bench/history";
import { SeriesExporter } from "../../../tools/bench/series-exporter";
import { runTool, tempDir } from "../../helpers/tools";

const NOW = 1_800_000_000;

describe("the history shape", () => {
  it("ascends from 24 h back to 30 s back, at each part's spacing", () => {
    const times = historyTimestamps(NOW);
    expect([times[0], times[times.length - 1]]).toEqual([NOW - 24 * 3600, NOW - 30]);
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
    // 18 h at 30 min, 5 h 30 min at 5 min, 29 min 30 s at 30 s, and the last sample.
    expect([HISTORY_SHAPE.length, times.length]).toEqual([3, 36 + 66 + 59 + 1]);
  });
});

describe("the backfill", () => {
  it("GIVEN one customer's series WHEN promtool makes blocks of their history THEN every sample of every series is in them", async () => {
    const work = tempDir("history");
    try {
      const now = Math.floor(Date.now() / 1000);
      // 1 customer × 3 plans × 6 series, and the active-subscriptions gauge per plan.
      const exporter = new SeriesExporter(1, "rsolv-production", (now - 24 * 3600) * 1000);
      const dataDir = path.join(work.dir, "data");
      await backfill(exporter, now, dataDir);
      const listed = runTool("promtool", ["tsdb", "list", dataDir]);
      expect(listed.status).toBe(0);
      const rows = listed.output.trim().split("\n").slice(1).map((line) => line.trim().split(/\s+/));
      // Columns: ULID, min time, max time, duration, samples, chunks, series, size.
      const samples = rows.reduce((sum, row) => sum + Number(row[4]), 0);
      expect(samples).toBe(historyTimestamps(now).length * (18 + 3));
      expect(Math.min(...rows.map((row) => Number(row[1])))).toBe((now - 24 * 3600) * 1000);
    } finally {
      work.remove();
    }
  });
});
