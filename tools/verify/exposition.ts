/** Reading Prometheus' text exposition format (a server's own /metrics), as far as the checks and the sandbox need. */

/** The sum of a metric's samples over the series whose labels include every pair of `match`. */
export function sumSeries(metrics: string, name: string, match: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labels = /\{([^}]*)\}/.exec(line)?.[1] ?? "";
    if (Object.entries(match).every(([key, value]) => labels.includes(`${key}="${value}"`))) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}
