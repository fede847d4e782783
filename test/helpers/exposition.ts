/**
 * Input series for `promtool test rules` shaped the way the billing app really exposes them, scraped once a minute:
 *
 * - a counter series appears on its first event, at the count of that scrape (PromEx exports nothing for a label
 *   set before it), so a customer's first failed payment is a new series at 1;
 * - each pod exports its own series (`pod` label); a restarted pod is a new pod name with all-new series, and the
 *   old pod's series end with a stale marker, as Prometheus writes when a target goes away;
 * - a scrape gap (the target unreachable) writes stale markers for every series and no samples until it ends; the
 *   app's counters keep counting meanwhile.
 *
 * Where it differs from a real Prometheus: samples sit exactly on the minute, and promtool evaluates the rules
 * every minute on them (real scrapes jitter and default to 30 s).
 */
export type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

interface Series {
  readonly name: string;
  readonly labels: Labels;
  readonly pod: string;
  /** Cumulative count, by minute, from the minute of the first event. */
  readonly counts: Map<number, number>;
  firstMinute: number;
}

/** A histogram's bucket bounds, finite ones ascending; `+Inf` is added. */
export type Buckets = readonly number[];

export class Exposition {
  private readonly series = new Map<string, Series>();
  private readonly pods: { name: string; from: number; to: number }[] = [];
  private readonly gaps: { from: number; to: number }[] = [];

  /**
   * @param minutes the last minute scraped (samples at 0..minutes)
   * @param base labels every series carries (the scrape's `namespace`, `job`)
   */
  constructor(
    readonly minutes: number,
    private readonly base: Labels,
    firstPods: readonly string[] = ["rsolv-platform-0"],
  ) {
    for (const pod of firstPods) this.pods.push({ name: pod, from: 0, to: Infinity });
  }

  /** Pod `pod` is replaced by `replacement` at `minute`: the old series end, events go to new ones. */
  restart(pod: string, minute: number, replacement: string): this {
    const old = this.pods.find((p) => p.name === pod && p.to === Infinity);
    if (!old) throw new Error(`no running pod ${pod}`);
    old.to = minute;
    this.pods.push({ name: replacement, from: minute, to: Infinity });
    return this;
  }

  /** Scrapes fail from `from` (inclusive) to `to` (exclusive). */
  gap(from: number, to: number): this {
    this.gaps.push({ from, to });
    return this;
  }

  /** The pods running at `minute`, in start order. */
  podsAt(minute: number): string[] {
    return this.pods.filter((p) => p.from <= minute && minute < p.to).map((p) => p.name);
  }

  /** `count` events of a counter at `minute`, on `pod` (default: the first pod running then). */
  count(name: string, labels: Labels, minute: number, count = 1, pod = this.podsAt(minute)[0]): this {
    if (!this.podsAt(minute).includes(pod)) throw new Error(`pod ${pod} is not running at minute ${minute}`);
    const all = { ...this.base, ...labels, pod };
    const key = `${name}{${Object.entries(all).sort().map(([k, v]) => `${k}=${v}`).join(",")}}`;
    let series = this.series.get(key);
    if (!series) {
      series = { name, labels: all, pod, counts: new Map(), firstMinute: minute };
      this.series.set(key, series);
    }
    series.counts.set(minute, (series.counts.get(minute) ?? 0) + count);
    series.firstMinute = Math.min(series.firstMinute, minute);
    return this;
  }

  /** One observation of a histogram (`base` without `_bucket`), as its `_bucket`, `_count` and `_sum` series. */
  observe(base: string, labels: Labels, buckets: Buckets, value: number, minute: number, count = 1, pod = this.podsAt(minute)[0]): this {
    // A histogram's label set appears whole: every bucket, at 0 where the observation does not fall.
    for (const bound of [...buckets.map(String), "+Inf"]) this.count(`${base}_bucket`, { ...labels, le: bound }, minute, bound === "+Inf" || value <= Number(bound) ? count : 0, pod);
    this.count(`${base}_count`, labels, minute, count, pod);
    this.count(`${base}_sum`, labels, minute, value * count, pod);
    return this;
  }

  /** The promtool `input_series`, one value per minute: `_` before a series exists, `stale` where it ends. */
  inputSeries(): InputSeries[] {
    return [...this.series.values()].map((s) => {
      const pod = this.pods.find((p) => p.name === s.pod)!;
      const values: string[] = [];
      let total = 0;
      for (let minute = 0; minute <= this.minutes; minute++) {
        total += s.counts.get(minute) ?? 0;
        const gap = this.gaps.find((g) => g.from <= minute && minute < g.to);
        if (minute < s.firstMinute) values.push("_");
        else if (minute >= pod.to) values.push(minute === pod.to ? "stale" : "_");
        else if (gap) values.push(minute === gap.from ? "stale" : "_");
        else values.push(String(Number(total.toFixed(6))));
      }
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(",");
      return { series: `${s.name}{${labels}}`, values: values.join(" ") };
    });
  }
}

/** Whole events out of a steady rate: `perMinute` may be fractional (0.2 is one event every 5 minutes). */
export function eventsAt(minute: number, perMinute: number): number {
  return Math.floor((minute + 1) * perMinute + 1e-9) - Math.floor(minute * perMinute + 1e-9);
}
