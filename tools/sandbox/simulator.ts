/**
 * The billing metrics simulator: an HTTP server on 127.0.0.1 that exports every metric of the catalogue, with its
 * labels, the way the app's PromEx plugin does, and whose traffic follows a scenario switchable at run time
 * (`PUT /scenario/<name>`, or {@link BillingSimulator.setScenario} in process).
 *
 * Events are generated lazily: each scrape first plays the traffic of the current scenario for the time since the
 * last one, one whole event at a time, so counters and histograms agree and a ratio is exact over any window.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

import * as client from "prom-client";

import type { AlertRule, Watch } from "../../alerts/types";
import type { BillingConfig } from "../../config";
import { METRICS, type MetricDefinition, type MetricKey, PLANS } from "../../promql/metrics";
import { closeServer } from "./process";
import { alertScenarios, scenarioNames, traffic, type Traffic, watchedLevels, watchedRate } from "./scenarios";

/** Label values the simulator cycles through, per label name. */
const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  plan: PLANS,
  customer_id: ["cus_sim_001", "cus_sim_002", "cus_sim_003"],
  payment_method: ["card", "sepa_debit"],
  status: ["succeeded", "failed"],
  failure_code: ["card_declined", "insufficient_funds", "api_error"],
  event_type: ["invoice.paid", "customer.subscription.updated", "payment_intent.succeeded"],
  reason: ["too_expensive", "payment_failed", "switched_provider"],
  source: ["purchase", "signup_bonus", "admin", "refund"],
  stage: ["signed_up", "billing_added", "pro"],
};
const FAILURE_CODES = LABEL_VALUES.failure_code;

/** PromEx's Phoenix histogram has its own `status` (an HTTP status): its label values apart from the billing ones. */
const PHOENIX_REQUEST = { status: "200", method: "GET", path: "/api/v1/billing/subscriptions/:id", controller: "RsolvWeb.BillingController", action: "show", host: "rsolv.dev" } as const;

/** Every combination of the given labels' values. */
function combinations(labels: readonly string[]): Record<string, string>[] {
  return labels.reduce<Record<string, string>[]>((partial, label) => partial.flatMap((combo) => LABEL_VALUES[label].map((value) => ({ ...combo, [label]: value }))), [{}]);
}

/** Bounds that straddle a threshold, so a quantile crosses it whatever the config. */
const around = (threshold: number): number[] => [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10].map((factor) => factor * threshold);

/** Histogram buckets; those an alert reads straddle its threshold, so the quantile crosses it whatever the config. */
function buckets(cfg: BillingConfig, key: MetricKey): number[] | undefined {
  switch (key) {
    case "webhookDuration":
      return around(cfg.webhookDurationP95Seconds);
    case "creditsAdded":
      return around(cfg.creditGrantP99Threshold);
    case "paymentAmount":
      return [500, 1000, 2900, 9900, 29900, 99900];
    case "creditsConsumed":
      return [1, 5, 10, 50, 100];
    case "phoenixRequestDuration":
      return [...METRICS.phoenixRequestDuration.buckets];
    default:
      return undefined; // prom-client's defaults (5 ms to 10 s) suit the payment duration.
  }
}

type Instrument = client.Counter | client.Gauge | client.Histogram;

/** The metrics a watch reads. */
function watchedMetrics(watch: Watch): MetricDefinition[] {
  if (watch.kind === "ratio") return [watch.failures.metric, watch.events.metric];
  return "metric" in watch ? [watch.metric] : [];
}

/** The i-th label set of a metric: each label cycles through its values, the matchers' labels fixed. */
function labelsAt(metric: MetricDefinition, i: number, matchers: Readonly<Record<string, string>>): Record<string, string> {
  return { ...Object.fromEntries(metric.labels.map((label) => [label, cycle(LABEL_VALUES[label] ?? [`${label}_1`], i)])), ...matchers };
}

/** The matched labels set to another of their values: the events that are not failures (status succeeded). */
function otherThan(matchers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(matchers).map(([label, value]) => [label, (LABEL_VALUES[label] ?? []).find((other) => other !== value) ?? `not_${value}`]));
}

/** Whole events of one stream: accumulates rate × time and hands out events with a running index. */
class EventStream {
  private pending = 0;
  private index = 0;
  advance(perSecond: number, seconds: number, emit: (index: number) => void): void {
    this.pending += perSecond * seconds;
    for (; this.pending >= 1; this.pending -= 1) emit(this.index++);
  }
}

/** True for about `share` of indices, spread evenly (deterministic, so a ratio holds over any window). */
const picked = (index: number, share: number): boolean => Math.floor((index + 1) * share) > Math.floor(index * share);
const cycle = <T>(values: readonly T[], index: number): T => values[index % values.length];

export class BillingSimulator {
  readonly registry = new client.Registry();
  private readonly instruments: Record<MetricKey, Instrument>;
  private readonly streams = { payments: new EventStream(), webhooks: new EventStream(), subscriptions: new EventStream(), grants: new EventStream() };
  /** The alerts with a scenario of their own (scenarios.ts, alertScenarios), by scenario, each with its event stream. */
  private readonly own: ReadonlyMap<string, AlertRule & { readonly watch: Watch }>;
  private readonly ownStreams = new Map<string, EventStream>();
  /** Instruments by metric name: the catalogue's, and those of watched metrics it lacks. */
  private readonly byName = new Map<string, Instrument>();
  private current: string;
  private lastAdvance = Date.now();
  private server?: http.Server;
  private port = 0;

  constructor(
    private readonly cfg: BillingConfig,
    scenario = "healthy",
    /** The alerts whose scenarios it plays; the config's rule groups by default. */
    private readonly alerts?: readonly AlertRule[],
  ) {
    this.own = alertScenarios(cfg, alerts);
    if (!scenarioNames(cfg, alerts).includes(scenario)) throw new Error(`unknown scenario ${JSON.stringify(scenario)}; the scenarios are: ${scenarioNames(cfg, alerts).join(", ")}`);
    this.current = scenario;
    const make = (key: MetricKey, metric: MetricDefinition): Instrument => {
      const common = { name: metric.name, help: metric.help, labelNames: [...metric.labels], registers: [this.registry] };
      if (metric.type === "counter") return new client.Counter(common);
      if (metric.type === "gauge") return new client.Gauge(common);
      const histogramBuckets = buckets(cfg, key);
      return new client.Histogram({ ...common, ...(histogramBuckets ? { buckets: histogramBuckets } : {}) });
    };
    this.instruments = Object.fromEntries((Object.entries(METRICS) as [MetricKey, MetricDefinition][]).map(([key, metric]) => [key, make(key, metric)])) as Record<MetricKey, Instrument>;
    for (const [key, instrument] of Object.entries(this.instruments)) this.byName.set(METRICS[key as MetricKey].name, instrument);
    // A watched metric the catalogue lacks is made here, its quantile's buckets around the alert's threshold.
    for (const { watch } of this.own.values()) {
      for (const metric of watchedMetrics(watch)) {
        if (this.byName.has(metric.name)) continue;
        const common = { name: metric.name, help: metric.help, labelNames: [...metric.labels], registers: [this.registry] };
        this.byName.set(metric.name, metric.type === "histogram" ? new client.Histogram({ ...common, buckets: around(watch.kind === "quantile" ? watch.threshold : 1) }) : metric.type === "gauge" ? new client.Gauge(common) : new client.Counter(common));
      }
    }
    this.initialiseSeries();
    this.pollGauges();
  }

  /**
   * Exports every label combination at zero from the start, as a well-behaved exporter does: rate() cannot see the
   * first increment of a series that appears mid-window, so late-appearing series would bend every ratio.
   */
  private initialiseSeries(): void {
    for (const [key, metric] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      const instrument = this.instruments[key];
      if (metric.type === "gauge") continue;
      // A succeeded payment has no failure code ("none"); a failed one always has one.
      const combos =
        key === "paymentProcessed"
          ? combinations(metric.labels.filter((l) => l !== "status" && l !== "failure_code")).flatMap((combo) => [
              { ...combo, status: "succeeded", failure_code: "none" },
              ...FAILURE_CODES.map((code) => ({ ...combo, status: "failed", failure_code: code })),
            ])
          : key === "phoenixRequestDuration"
            ? [PHOENIX_REQUEST]
            : combinations(metric.labels);
      for (const combo of combos) {
        if (instrument instanceof client.Counter) instrument.inc(combo, 0);
        else (instrument as client.Histogram).zero(combo);
      }
    }
  }

  get scenario(): string {
    return this.current;
  }

  /** The scenarios it plays: the named ones, then each alert's own. */
  get scenarios(): string[] {
    return scenarioNames(this.cfg, this.alerts);
  }

  /** Where Prometheus scrapes it (`host:port`); set once started. */
  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.target}`;
  }

  get traffic(): Traffic {
    return traffic(this.cfg, this.current, this.alerts);
  }

  /** Switches scenario: plays the old one up to now first; target-down closes the endpoint, leaving it reopens it. */
  async setScenario(scenario: string): Promise<void> {
    if (!this.scenarios.includes(scenario)) throw new Error(`unknown scenario ${JSON.stringify(scenario)}; the scenarios are: ${this.scenarios.join(", ")}`);
    this.advance();
    const wasUp = this.traffic.up;
    this.current = scenario;
    if (wasUp && !this.traffic.up) await this.close();
    if (!wasUp && this.traffic.up) await this.listen();
  }

  /** Starts serving on 127.0.0.1 (a free port the first time, the same port after that). */
  async start(): Promise<void> {
    if (this.traffic.up) await this.listen();
  }

  async stop(): Promise<void> {
    await this.close();
  }

  /** The exposition text, after playing the scenario up to now. */
  async metrics(): Promise<string> {
    this.advance();
    return this.registry.metrics();
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    // No events while nobody could have counted them: the app was down.
    this.lastAdvance = Date.now();
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const switchTo = /^\/scenario\/([a-z-]+)$/.exec(url.pathname);
    try {
      if (req.method === "GET" && url.pathname === "/metrics") {
        res.writeHead(200, { "Content-Type": this.registry.contentType }).end(await this.metrics());
      } else if (req.method === "GET" && url.pathname === "/scenario") {
        res.writeHead(200, { "Content-Type": "text/plain" }).end(`${this.current}\n`);
      } else if ((req.method === "PUT" || req.method === "POST") && switchTo && this.scenarios.includes(switchTo[1])) {
        res.writeHead(200, { "Content-Type": "text/plain" }).end(`${switchTo[1]}\n`);
        await this.setScenario(switchTo[1]);
      } else if ((req.method === "PUT" || req.method === "POST") && url.pathname.startsWith("/scenario/")) {
        const name = decodeURIComponent(url.pathname.slice("/scenario/".length));
        res.writeHead(404, { "Content-Type": "text/plain" }).end(`unknown scenario ${JSON.stringify(name)}; the scenarios are: ${this.scenarios.join(", ")}\n`);
      } else {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("GET /metrics, GET /scenario, PUT /scenario/<name>\n");
      }
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  }

  private advance(): void {
    const now = Date.now();
    const seconds = (now - this.lastAdvance) / 1000;
    this.lastAdvance = now;
    const t = this.traffic;
    if (!t.up || seconds <= 0) return;
    const m = this.instruments as Record<MetricKey, never>;
    const counter = (key: MetricKey): client.Counter => m[key] as client.Counter;
    const histogram = (key: MetricKey): client.Histogram => m[key] as client.Histogram;

    this.streams.payments.advance(t.paymentsPerSecond, seconds, (i) => {
      const failed = picked(i, t.paymentFailureRatio);
      const plan = cycle(PLANS, i);
      const status = failed ? "failed" : "succeeded";
      const failureCode = failed ? cycle(FAILURE_CODES, i) : "none";
      const paymentMethod = cycle(LABEL_VALUES.payment_method, i);
      counter("paymentProcessed").inc({ plan, payment_method: paymentMethod, status, failure_code: failureCode, customer_id: cycle(LABEL_VALUES.customer_id, i) });
      histogram("paymentDuration").observe({ plan, payment_method: paymentMethod }, 0.2 + (i % 5) * 0.1);
      histogram("paymentAmount").observe({ plan, status }, cycle([2900, 9900, 29900], i));
      if (failed) counter("invoiceFailed").inc({ plan, failure_code: failureCode });
      else counter("invoicePaid").inc({ plan });
      // Every payment is also a renewal or a unit of tracked usage, so those panels have data too.
      if (i % 2 === 0) counter("subscriptionRenewed").inc({ plan });
      const customer = { plan, customer_id: cycle(LABEL_VALUES.customer_id, i) };
      counter("usageTracked").inc(customer);
      counter("fixesConsumed").inc(customer, 1 + (i % 3));
      histogram("creditsConsumed").observe({ plan }, 1 + (i % 10));
    });

    this.streams.webhooks.advance(t.webhooksPerSecond, seconds, (i) => {
      const eventType = cycle(LABEL_VALUES.event_type, i);
      counter("webhookReceived").inc({ event_type: eventType, status: picked(i, t.webhookFailureRatio) ? "failed" : "succeeded" });
      histogram("webhookDuration").observe({ event_type: eventType }, t.webhookSeconds);
      // Each webhook also stands for a billing API request, answered well within the API latency SLO.
      histogram("phoenixRequestDuration").observe(PHOENIX_REQUEST, 40);
    });

    this.streams.subscriptions.advance(t.subscriptionsPerSecond, seconds, (i) => {
      const plan = cycle(PLANS, i);
      const customerId = cycle(LABEL_VALUES.customer_id, i);
      counter("subscriptionCreated").inc({ plan, status: i % 3 === 0 ? "trialing" : "active", customer_id: customerId });
      if (picked(i, t.cancellationRatio)) counter("subscriptionCancelled").inc({ plan, reason: cycle(LABEL_VALUES.reason, i), customer_id: customerId });
    });

    this.streams.grants.advance(t.creditGrantsPerSecond, seconds, (i) => {
      histogram("creditsAdded").observe({ source: cycle(LABEL_VALUES.source, i) }, picked(i, t.largeGrantShare) ? t.largeGrantCredits : t.grantCredits);
    });
    this.advanceOwn(seconds);
    this.pollGauges();
  }

  /**
   * The watched series of each alert with a scenario of its own: healthy events (a ratio's share or a quantile's
   * value a quarter of its threshold away), failing ones while its scenario runs, none for a silence then.
   */
  private advanceOwn(seconds: number): void {
    for (const [name, { watch }] of this.own) {
      const failing = this.current === name;
      const stream = this.ownStreams.get(name) ?? this.ownStreams.set(name, new EventStream()).get(name)!;
      const level = watchedLevels(watch);
      const perSecond = failing && watch.kind === "silence" ? 0 : watchedRate(this.cfg, watch);
      stream.advance(perSecond, seconds, (i) => {
        if (watch.kind === "ratio") {
          const failed = picked(i, failing ? level!.failing : level!.healthy);
          const apart = watch.failures.metric !== watch.events.metric;
          if (apart) {
            this.count(watch.events.metric, i, watch.events.matchers);
            if (failed) this.count(watch.failures.metric, i, watch.failures.matchers);
          } else {
            this.count(watch.failures.metric, i, failed ? watch.failures.matchers : otherThan(watch.failures.matchers));
          }
        } else if (watch.kind === "quantile") {
          (this.byName.get(watch.metric.name) as client.Histogram).observe(labelsAt(watch.metric, i, {}), failing ? level!.failing : level!.healthy);
        } else if (watch.kind === "silence") {
          this.count(watch.metric, i, {});
        }
      });
    }
  }

  private count(metric: MetricDefinition, i: number, matchers: Readonly<Record<string, string>>): void {
    (this.byName.get(metric.name) as client.Counter).inc(labelsAt(metric, i, matchers));
  }

  /** The polled gauges: fixed sizes, as a steady business would show between two scrapes. */
  private pollGauges(): void {
    const active = this.instruments.subscriptionsActive as client.Gauge;
    PLANS.forEach((plan, i) => active.set({ plan }, 100 * (PLANS.length - i)));
    const funnel = this.instruments.customersByFunnelStage as client.Gauge;
    LABEL_VALUES.stage.forEach((stage, i) => funnel.set({ stage }, 1000 / 2 ** (i * 2)));
  }
}
