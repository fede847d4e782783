/**
 * The alerts on traffic as the app really exposes it (test/helpers/exposition.ts): series that appear at 1 on
 * their first event, two pods, a pod restart, a scrape gap. `promtool test rules` on the rule file each stack
 * deploys, around that stack's thresholds; each case asserts whether an alert is firing at given minutes,
 * through Prometheus' own ALERTS series.
 *
 * The same new-series cases run against the rule file deployed before counting saw new series
 * (test/fixtures/rules-before-new-series.yml): they fail there, so they are known to bite.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { METRICS } from "../../../promql/metrics";
import { eventsAt, Exposition } from "../../helpers/exposition";
import type { BillingConfig } from "../../../config";
import { deployedRuleFile } from "../../helpers/rule-file";
import { stackConfig } from "../../helpers/stack";
import { tempDir } from "../../helpers/tools";
import { type Case, CRITICAL, fires, PAYMENT_PAGE, PAYMENT_TICKET, payments, type PaymentTraffic, PODS, quiet, requests, runCases, WARNING } from "../../helpers/traffic";

/** A ratio as a case's name says it. */
const pct = (ratio: number): string => `${Number((ratio * 100).toFixed(1))} %`;

function cases(cfg: BillingConfig): Case[] {
  const app = (minutes: number, pods = PODS) => new Exposition(minutes, { namespace: cfg.appNamespace, job: "rsolv-platform" }, pods);
  // Failure ratios around the stack's own thresholds: above both, between them, and an ordinary day well under both.
  const [warning, critical] = [cfg.paymentFailureWarningRatio, cfg.paymentFailureCriticalRatio];
  const [aboveBoth, between, ordinary] = [Math.min(1, critical + 0.05), (warning + critical) / 2, Math.min(0.03, warning / 3)];
  const normal = (from: number, to: number): PaymentTraffic => ({ from, to, perMinute: 10, failureRatio: ordinary });
  return [
    {
      name: `${pct(aboveBoth)} of payments failing, each failure a customer's first: both payment alerts fire`,
      minutes: 40,
      input: payments(app(40), { from: 0, to: 40, perMinute: 10, failureRatio: aboveBoth }).inputSeries(),
      expect: [fires(CRITICAL, 30), fires(WARNING, 30)],
      newSeries: true,
    },
    {
      name: `${pct(between)} failing on new series fires the warning, not the critical`,
      minutes: 40,
      input: payments(app(40), { from: 0, to: 40, perMinute: 10, failureRatio: between }).inputSeries(),
      expect: [fires(WARNING, 30), ...quiet(CRITICAL, 30)],
      newSeries: true,
    },
    {
      name: `${pct(aboveBoth)} failing through a restart of one pod: the critical keeps firing on the new pod's series`,
      minutes: 60,
      input: payments(app(60).restart(PODS[0], 25, "rsolv-platform-7d9f-c"), { from: 0, to: 60, perMinute: 10, failureRatio: 0.3, newCustomerPerFailure: false }).inputSeries(),
      expect: [fires(CRITICAL, 24), fires(CRITICAL, 26), fires(CRITICAL, 32), fires(CRITICAL, 50)],
    },
    {
      name: `${pct(aboveBoth)} failing through a restart of both pods: every series new again, still firing`,
      minutes: 60,
      input: payments(app(60).restart(PODS[0], 25, "rsolv-platform-8a1c-a").restart(PODS[1], 25, "rsolv-platform-8a1c-b"), { from: 0, to: 60, perMinute: 10, failureRatio: 0.3, newCustomerPerFailure: false }).inputSeries(),
      expect: [fires(CRITICAL, 26), fires(CRITICAL, 30), fires(CRITICAL, 50)],
    },
    {
      name: "a 2-minute scrape gap on a normal day stays quiet",
      minutes: 90,
      input: payments(app(90).gap(40, 42), normal(0, 90)).inputSeries(),
      expect: [...quiet(CRITICAL, 41, 43, 45, 50, 60), ...quiet(WARNING, 45, 50, 60), ...quiet(PAYMENT_PAGE, 43, 45, 50)],
    },
    {
      name: "total outage at 1 payment a minute: the critical fires within 15 minutes",
      minutes: 80,
      input: payments(app(80, [PODS[0]]), { from: 0, to: 60, perMinute: 1, failureRatio: 0 }, { from: 60, to: 80, perMinute: 1, failureRatio: 1 }).inputSeries(),
      expect: [...quiet(CRITICAL, 59, 70), fires(CRITICAL, 75)],
      newSeries: true,
    },
    {
      name: "1 failure in 3 payments, in a quiet hour, pages nobody",
      minutes: 90,
      input: payments(app(90, [PODS[0]]), { from: 30, to: 35, perMinute: 0.6, failureRatio: 1 / 3 }).inputSeries(),
      expect: [...quiet(CRITICAL, 35, 40, 45), ...quiet(WARNING, 35, 40, 45), ...quiet(PAYMENT_PAGE, 35, 40, 45, 60), ...quiet(PAYMENT_TICKET, 35, 45, 90)],
    },
    {
      name: "1 payment every 5 minutes with a third failing, for 2 hours: no page; the SLO ticket fires",
      minutes: 130,
      input: payments(app(130, [PODS[0]]), { from: 0, to: 130, perMinute: 0.2, failureRatio: 1 / 3 }).inputSeries(),
      expect: [...quiet(CRITICAL, 30, 60, 120), ...quiet(WARNING, 30, 60, 120), ...quiet(PAYMENT_PAGE, 30, 60, 90, 120), fires(PAYMENT_TICKET, 125)],
    },
    {
      name: `a normal day (10 payments a minute, ${pct(ordinary)} failing, every failure a new customer) stays quiet`,
      minutes: 150,
      input: payments(app(150), normal(0, 150)).inputSeries(),
      expect: [...quiet(CRITICAL, 30, 90, 150), ...quiet(WARNING, 30, 90, 150), ...quiet(PAYMENT_PAGE, 30, 90, 150), ...quiet(PAYMENT_TICKET, 90, 150)],
    },
    ...otherAlertCases(app, cfg),
  ];
}

const WEBHOOK = METRICS.webhookDuration;

function webhooks(x: Exposition, from: number, to: number, perMinute: number, slowRatio: number, slowSeconds = 2, failedRatio = 0): Exposition {
  let k = 0;
  for (let minute = from; minute < to; minute++) {
    for (let i = 0; i < eventsAt(minute - from, perMinute); i++, k++) {
      const pods = x.podsAt(minute);
      const pod = pods[k % pods.length];
      const event_type = k % 2 === 0 ? "invoice.paid" : "customer.subscription.updated";
      const slow = Math.floor((k + 1) * slowRatio + 1e-9) > Math.floor(k * slowRatio + 1e-9);
      const failed = Math.floor((k + 1) * failedRatio + 1e-9) > Math.floor(k * failedRatio + 1e-9);
      x.count(METRICS.webhookReceived.name, { event_type, status: failed ? "failed" : "succeeded" }, minute, 1, pod);
      x.observe(WEBHOOK.name, { event_type }, WEBHOOK.buckets, slow ? slowSeconds : 0.02, minute, 1, pod);
    }
  }
  return x;
}

function otherAlertCases(app: (minutes: number, pods?: string[]) => Exposition, cfg: BillingConfig): Case[] {
  const [cancelling, fewCancelling] = [cfg.cancellationRatio + 0.05, cfg.cancellationRatio * 0.8];
  const webhooksFailing = Math.min(1, cfg.webhookFailureRatio + 0.15);
  const [largeGrant, smallGrant] = [2 * cfg.creditGrantP99Threshold, cfg.creditGrantP99Threshold / 20];
  const subscriptions = (minutes: number, cancelRatio: number) => {
    const x = app(minutes);
    for (let minute = 0, k = 0; minute < minutes; minute++) {
      for (let i = 0; i < 2; i++, k++) {
        // Every subscription is a new customer: a new series on creation and on cancellation.
        x.count(METRICS.subscriptionCreated.name, { plan: "pro", status: "active", customer_id: `cus_${k}` }, minute);
        if (Math.floor((k + 1) * cancelRatio + 1e-9) > Math.floor(k * cancelRatio + 1e-9)) x.count(METRICS.subscriptionCancelled.name, { plan: "pro", reason: "too_expensive", customer_id: `cus_old_${k}` }, minute);
      }
    }
    return x.inputSeries();
  };
  const grants = (credits: number) => {
    const x = app(40);
    // Three grants in one minute, from a source that never granted before.
    x.observe(METRICS.creditsAdded.name, { source: "admin" }, [100, 500, 1000, 5000, 10000], credits, 10, 3);
    return x.inputSeries();
  };
  const both = (x: Exposition, minute: number) => x.restart(PODS[0], minute, "rsolv-platform-8a1c-a").restart(PODS[1], minute, "rsolv-platform-8a1c-b");
  return [
    {
      name: `${pct(cancelling)} of subscriptions cancelled, every one a new customer: the cancellation alert fires`,
      minutes: 100,
      input: subscriptions(100, cancelling),
      expect: [...quiet("SubscriptionCancellationRateHigh", 50), fires("SubscriptionCancellationRateHigh", 95)],
      newSeries: true,
    },
    { name: `${pct(fewCancelling)} of subscriptions cancelled stays quiet`, minutes: 100, input: subscriptions(100, fewCancelling), expect: quiet("SubscriptionCancellationRateHigh", 95) },
    {
      name: `${pct(webhooksFailing)} of webhooks failing through a restart of both pods: the failure alert fires`,
      minutes: 50,
      input: webhooks(both(app(50), 15), 0, 50, 20, 0, 2, webhooksFailing).inputSeries(),
      expect: [fires("StripeWebhookFailureRateHigh", 30), fires("StripeWebhookFailureRateHigh", 45)],
    },
    {
      name: "slow webhooks through a restart of both pods: the duration alert fires",
      minutes: 50,
      input: webhooks(both(app(50), 15), 0, 50, 20, 1, 2 * cfg.webhookDurationP95Seconds).inputSeries(),
      expect: [fires("StripeWebhookProcessingDurationHigh", 25), fires("StripeWebhookProcessingDurationHigh", 45)],
    },
    {
      name: "one webhook, the first of its series, keeps the stall alert quiet for 6 hours",
      minutes: 480,
      input: webhooks(app(480, [PODS[0]]), 100, 101, 1, 0).inputSeries(),
      expect: [...quiet("StripeWebhooksStalled", 300, 450), fires("StripeWebhooksStalled", 480)],
      newSeries: true,
    },
    {
      name: `three grants of ${largeGrant} credits on a new series fire the grant anomaly`,
      minutes: 40,
      input: grants(largeGrant),
      expect: [...quiet("BillingCreditGrantAnomalyDetected", 12), fires("BillingCreditGrantAnomalyDetected", 20)],
      newSeries: true,
    },
    { name: `three grants of ${smallGrant} credits stay quiet`, minutes: 40, input: grants(smallGrant), expect: quiet("BillingCreditGrantAnomalyDetected", 20) },
    {
      name: "webhook SLO: 75 % of webhooks over 1 s pages",
      minutes: 30,
      input: webhooks(app(30), 0, 30, 20, 0.75).inputSeries(),
      expect: [fires("StripeWebhookLatencyErrorBudgetBurnPage", 20)],
    },
    {
      name: "webhook SLO: 4 % over 1 s, and 3 slow webhooks in a quiet hour, stay quiet",
      minutes: 120,
      input: webhooks(webhooks(app(120), 0, 60, 20, 0.04), 90, 93, 1, 1).inputSeries(),
      expect: [...quiet("StripeWebhookLatencyErrorBudgetBurnPage", 30, 60, 95, 110), ...quiet("StripeWebhookLatencyErrorBudgetBurnTicket", 60, 110)],
    },
    {
      name: "API SLO: billing requests at 300 ms (p95 480 ms by the buckets) page",
      minutes: 30,
      input: requests(app(30), 0, 30, 20, 300).inputSeries(),
      expect: [fires("BillingApiLatencyErrorBudgetBurnPage", 20)],
    },
    {
      name: "API SLO: billing requests at 50 ms, and slow requests on other routes, stay quiet",
      minutes: 30,
      input: requests(requests(app(30), 0, 30, 20, 50), 0, 30, 20, 3000, "/api/v1/repositories/:id").inputSeries(),
      expect: quiet("BillingApiLatencyErrorBudgetBurnPage", 20, 29),
    },
  ];
}

// Each stack's rule file with its own thresholds; production's, the one that pages, also on the oldest release: the
// cases sit on range-selector edges (new series, gaps, restarts), which Prometheus 3 made left-open.
describe.each([
  { stack: "production", release: "current" as const },
  { stack: "staging", release: "current" as const },
  { stack: "production", release: "oldest" as const },
])("the $stack rule file on real traffic ($release promtool)", ({ stack, release }) => {
  let work: { dir: string; remove: () => void };
  beforeAll(async () => {
    work = tempDir(`real-traffic-${stack}-${release}`);
    fs.writeFileSync(path.join(work.dir, "billing-alerts.yml"), (await deployedRuleFile(stack)).text);
  });
  afterAll(() => work.remove());

  it("promtool test rules passes every case", () => {
    const result = runCases(work.dir, "billing-alerts.yml", cases(stackConfig(stack)), "real-traffic", 1, release);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});

describe("the rules from before counting saw new series", () => {
  it("fail every new-series case (the cases bite)", () => {
    const work = tempDir("real-traffic-before");
    try {
      fs.copyFileSync(path.join(__dirname, "..", "..", "fixtures", "rules-before-new-series.yml"), path.join(work.dir, "before.yml"));
      const newSeries = cases(stackConfig("production")).filter((c) => c.newSeries);
      expect(newSeries.length).toBeGreaterThanOrEqual(4);
      const failed = newSeries.filter((c) => runCases(work.dir, "before.yml", [c], "before").status !== 0).map((c) => c.name);
      expect(failed).toEqual(newSeries.map((c) => c.name));
    } finally {
      work.remove();
    }
  });
});
