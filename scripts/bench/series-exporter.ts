/**
 * A load exporter for the rule-cost benchmark: serves a chosen number of raw billing series (customers × plans ×
 * statuses) in Prometheus' text format, on 127.0.0.1. Counters grow at a steady per-series rate from start time,
 * so every scrape is cheap to produce and every rate is the same whatever the scrape timing. Hand-written instead
 * of prom-client: at 50k series the text is produced in one pass without 50k label-set objects per scrape.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

import { METRICS, PLANS } from "../../metrics";

/** Raw series one customer contributes per plan: 2 payment outcomes, created, cancelled, usage and fixes. */
export const SERIES_PER_CUSTOMER_PLAN = 6;

export function customersFor(series: number): number {
  return Math.max(1, Math.round(series / (SERIES_PER_CUSTOMER_PLAN * PLANS.length)));
}

export class SeriesExporter {
  private server?: http.Server;
  private readonly started = Date.now();

  constructor(
    private readonly customers: number,
    private readonly namespace: string,
  ) {}

  /** How many series each scrape returns (the app's own, without the constant gauge below). */
  get seriesCount(): number {
    return this.customers * PLANS.length * SERIES_PER_CUSTOMER_PLAN;
  }

  private body(): string {
    const elapsed = (Date.now() - this.started) / 1000;
    const lines: string[] = [];
    const emit = (name: string, type: string, rows: string[]) => lines.push(`# TYPE ${name} ${type}`, ...rows);
    const ns = `namespace="${this.namespace}"`;
    const customerPlans: [string, string, number][] = [];
    for (let c = 0; c < this.customers; c++) for (const plan of PLANS) customerPlans.push([`cus_${c}`, plan, c]);
    // Per-series rates (events per second), varied a little per customer so series differ.
    const value = (perSecond: number, seed: number) => (perSecond * (1 + (seed % 7) / 10) * elapsed).toFixed(3);
    emit(METRICS.paymentProcessed.name, "counter", [
      ...customerPlans.map(([customer, plan, c]) => `${METRICS.paymentProcessed.name}{${ns},customer_id="${customer}",plan="${plan}",payment_method="card",status="succeeded",failure_code="none"} ${value(0.02, c)}`),
      ...customerPlans.map(([customer, plan, c]) => `${METRICS.paymentProcessed.name}{${ns},customer_id="${customer}",plan="${plan}",payment_method="card",status="failed",failure_code="card_declined"} ${value(0.001, c)}`),
    ]);
    emit(METRICS.subscriptionCreated.name, "counter", customerPlans.map(([customer, plan, c]) => `${METRICS.subscriptionCreated.name}{${ns},customer_id="${customer}",plan="${plan}",status="active"} ${value(0.001, c)}`));
    emit(METRICS.subscriptionCancelled.name, "counter", customerPlans.map(([customer, plan, c]) => `${METRICS.subscriptionCancelled.name}{${ns},customer_id="${customer}",plan="${plan}",reason="too_expensive"} ${value(0.0001, c)}`));
    emit(METRICS.usageTracked.name, "counter", customerPlans.map(([customer, plan, c]) => `${METRICS.usageTracked.name}{${ns},customer_id="${customer}",plan="${plan}"} ${value(0.01, c)}`));
    emit(METRICS.fixesConsumed.name, "counter", customerPlans.map(([customer, plan, c]) => `${METRICS.fixesConsumed.name}{${ns},customer_id="${customer}",plan="${plan}"} ${value(0.03, c)}`));
    emit(METRICS.subscriptionsActive.name, "gauge", PLANS.map((plan) => `${METRICS.subscriptionsActive.name}{${ns},plan="${plan}"} ${this.customers}`));
    return `${lines.join("\n")}\n`;
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
