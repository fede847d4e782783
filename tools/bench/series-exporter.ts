/**
 * A load exporter for the rule-cost benchmark: serves a chosen number of raw billing series (customers × plans ×
 * statuses) in Prometheus' text format, on 127.0.0.1. Counters grow at a steady per-series rate from start time,
 * so every scrape is cheap to produce and every rate is the same whatever the scrape timing. Hand-written instead
 * of prom-client: at 50k series the text is produced in one pass without 50k label-set objects per scrape.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

import { METRICS, PLANS } from "../../promql/metrics";

/** Raw series one customer contributes per plan: 2 payment outcomes, created, cancelled, usage and fixes. */
export const SERIES_PER_CUSTOMER_PLAN = 6;

export function customersFor(series: number): number {
  return Math.max(1, Math.round(series / (SERIES_PER_CUSTOMER_PLAN * PLANS.length)));
}

/** One metric family: its name, type and rows (`name{labels}` with the value at an elapsed time in seconds). */
interface Family {
  readonly name: string;
  readonly type: "counter" | "gauge";
  readonly rows: readonly { readonly series: string; readonly value: (elapsedSeconds: number) => number }[];
}

export class SeriesExporter {
  private server?: http.Server;
  private readonly families: readonly Family[];

  /**
   * @param startedAt when the counters started from zero, in ms since the epoch; a history backfilled from
   *   `startedAt` on (see {@link writeOpenMetrics}) continues into the live scrapes without a step. @default now
   */
  constructor(
    private readonly customers: number,
    namespace: string,
    private readonly startedAt: number = Date.now(),
  ) {
    const ns = `namespace="${namespace}"`;
    const customerPlans: [string, string, number][] = [];
    for (let c = 0; c < customers; c++) for (const plan of PLANS) customerPlans.push([`cus_${c}`, plan, c]);
    // Per-series rates (events per second), varied a little per customer so series differ.
    const counter = (perSecond: number, seed: number) => (elapsed: number) => perSecond * (1 + (seed % 7) / 10) * elapsed;
    const perCustomer = (name: string, labels: string, perSecond: number): Family["rows"] =>
      customerPlans.map(([customer, plan, c]) => ({ series: `${name}{${ns},customer_id="${customer}",plan="${plan}"${labels}}`, value: counter(perSecond, c) }));
    const payments = METRICS.paymentProcessed.name;
    this.families = [
      { name: payments, type: "counter", rows: [...perCustomer(payments, ',payment_method="card",status="succeeded",failure_code="none"', 0.02), ...perCustomer(payments, ',payment_method="card",status="failed",failure_code="card_declined"', 0.001)] },
      { name: METRICS.subscriptionCreated.name, type: "counter", rows: perCustomer(METRICS.subscriptionCreated.name, ',status="active"', 0.001) },
      { name: METRICS.subscriptionCancelled.name, type: "counter", rows: perCustomer(METRICS.subscriptionCancelled.name, ',reason="too_expensive"', 0.0001) },
      { name: METRICS.usageTracked.name, type: "counter", rows: perCustomer(METRICS.usageTracked.name, "", 0.01) },
      { name: METRICS.fixesConsumed.name, type: "counter", rows: perCustomer(METRICS.fixesConsumed.name, "", 0.03) },
      { name: METRICS.subscriptionsActive.name, type: "gauge", rows: PLANS.map((plan) => ({ series: `${METRICS.subscriptionsActive.name}{${ns},plan="${plan}"}`, value: () => customers })) },
    ];
  }

  /** How many series each scrape returns (the app's own, without the constant gauge). */
  get seriesCount(): number {
    return this.customers * PLANS.length * SERIES_PER_CUSTOMER_PLAN;
  }

  private body(): string {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const lines: string[] = [];
    for (const family of this.families) lines.push(`# TYPE ${family.name} ${family.type}`, ...family.rows.map((row) => `${row.series} ${row.value(elapsed).toFixed(3)}`));
    return `${lines.join("\n")}\n`;
  }

  /**
   * Writes the same series at the given times (seconds since the epoch, ascending) as OpenMetrics text, the input
   * of `promtool tsdb create-blocks-from openmetrics`. Streamed: at 50k series the text is over a gigabyte.
   */
  async writeOpenMetrics(file: string, timestamps: readonly number[]): Promise<void> {
    const out = fs.createWriteStream(file);
    const failed = new Promise<never>((_resolve, reject) => out.once("error", reject));
    let buffer = "";
    const write = async (text: string): Promise<void> => {
      buffer += text;
      if (buffer.length < 1 << 20) return;
      const chunk = buffer;
      buffer = "";
      if (!out.write(chunk)) await Promise.race([new Promise<void>((resolve) => out.once("drain", () => resolve())), failed]);
    };
    const start = this.startedAt / 1000;
    for (const family of this.families) {
      // OpenMetrics names a counter family without its _total suffix.
      await write(`# TYPE ${family.type === "counter" ? family.name.replace(/_total$/, "") : family.name} ${family.type}\n`);
      for (const row of family.rows) for (const t of timestamps) await write(`${row.series} ${row.value(t - start).toFixed(3)} ${t}\n`);
    }
    await write("# EOF\n");
    out.end(buffer);
    await Promise.race([new Promise<void>((resolve) => out.once("finish", () => resolve())), failed]);
  }

  async start(): Promise<number> {
    this.server = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" });
      res.end(this.body());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
