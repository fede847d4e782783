/**
 * The SLO burn-rate windows, each on its own burn rate and not below it, on the production rule file rendered with
 * `ruleEvaluationInterval: 5m` (a stack setting): the windows run to 12 hours, and evaluating every 5 minutes
 * instead of every minute keeps the test to seconds. The expressions are the deployed ones; only the guard's
 * evaluations-per-window divisor follows the interval. Traffic as the app exposes it (test/helpers/traffic.ts).
 *
 * The windows are shown on the API latency SLO, which no seed alert covers; the payment SLO's page stands down
 * where the payment alerts can judge, which the payment cases show.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { Exposition } from "../../helpers/exposition";
import { deployedRuleFile } from "../../helpers/rule-file";
import { tempDir } from "../../helpers/tools";
import { type Case, CRITICAL, fires, PAYMENT_PAGE, payments, PODS, quiet, requests, runCases } from "../../helpers/traffic";

const NAMESPACE = "rsolv-production";
const API_PAGE = "BillingApiLatencyErrorBudgetBurnPage";
const API_TICKET = "BillingApiLatencyErrorBudgetBurnTicket";
const PER_MINUTE = 20;

const app = (minutes: number) => new Exposition(minutes, { namespace: NAMESPACE, job: "rsolv-platform" }, [PODS[0]]);

/** Billing API requests, a share of them slow (3 s, over every bound) and the rest fast (50 ms, under the first). */
function api(x: Exposition, from: number, to: number, slowShare: number): Exposition {
  requests(x, from, to, PER_MINUTE * slowShare, 3000);
  return requests(x, from, to, PER_MINUTE * (1 - slowShare), 50);
}

/** 6 h at 3 % slow first, so every page window is full, then the burn. */
const burn = (minutes: number, slowShare: number): Case["input"] => api(api(app(minutes), 0, 360, 0.03), 360, minutes, slowShare).inputSeries();
/** A steady share from the start, for tickets: the ticket windows (1 and 3 days) hold all the data. */
const steady = (minutes: number, slowShare: number): Case["input"] => api(app(minutes), 0, minutes, slowShare).inputSeries();

// Budget 5 % (objective 95 %). Page: 1h/5m above 14.4× (72 % slow), 6h/30m above 6× (30 %). Ticket: 1d/2h above
// 3× (15 %), 3d/6h above 1× (5 %). Evaluated every 5 minutes, the 1h window holds 13 recorded counts, one of them
// from before the burn: the page comes one evaluation after the hand-computed minute.
const CASES: Case[] = [
  // 75 % slow is 15×: the 1h window passes 14.4× after 58 minutes of it; the 6h one is at 15 % then.
  { name: "15× burn pages through the 1h/5m windows", minutes: 430, input: burn(430, 0.75), expect: [...quiet(API_PAGE, 400), fires(API_PAGE, 430)] },
  { name: "14× burn never reaches the 1h/5m page", minutes: 430, input: burn(430, 0.7), expect: quiet(API_PAGE, 400, 420, 430) },
  // 40 % slow is 8×: the 6h window passes 6× after 263 minutes of it.
  { name: "8× burn pages through the 6h/30m windows", minutes: 645, input: burn(645, 0.4), expect: [...quiet(API_PAGE, 420, 600), fires(API_PAGE, 645)] },
  { name: "5× burn pages through neither window", minutes: 725, input: burn(725, 0.25), expect: quiet(API_PAGE, 420, 600, 720) },
  // 7.5 % slow is 1.5×: above the 3d/6h ticket's 1×, below the 1d/2h ticket's 3×.
  { name: "1.5× burn opens a ticket through the 3d/6h windows, no page", minutes: 720, input: steady(720, 0.075), expect: [fires(API_TICKET, 60), fires(API_TICKET, 720), ...quiet(API_PAGE, 60, 720)] },
  { name: "3.5× burn opens a ticket through the 1d/2h windows too", minutes: 240, input: steady(240, 0.175), expect: [fires(API_TICKET, 60), ...quiet(API_PAGE, 60, 240)] },
  { name: "0.9× burn opens no ticket", minutes: 720, input: steady(720, 0.045), expect: quiet(API_TICKET, 60, 360, 720) },
  {
    // No 5-minute window holds 5 failures, so the payment alerts cannot judge; the 30-minute one does, and the 6h
    // window passes 30 % after 100 minutes of the outage.
    name: "payments: a total outage at 1 payment every 5 minutes pages through the SLO's 6h/30m windows within 2 hours",
    minutes: 480,
    input: payments(app(480), { from: 0, to: 360, perMinute: 0.2, failureRatio: 0.03, newCustomerPerFailure: false }, { from: 360, to: 480, perMinute: 0.2, failureRatio: 1 }).inputSeries(),
    expect: [...quiet(PAYMENT_PAGE, 400, 450), fires(PAYMENT_PAGE, 480), ...quiet(CRITICAL, 480)],
  },
  {
    // Half an hour normal, half an hour all failing at 4 a minute, then normal again: every window holds all the
    // data, so the SLO page's 6h/30m windows pass during the outage and for 20 minutes after it. The seed's critical
    // pages; the SLO page stands down throughout, while the payment alerts can judge.
    name: "payments: an outage the payment alerts can judge pages once, through the critical, and not again after it",
    minutes: 100,
    input: payments(
      app(100),
      { from: 0, to: 30, perMinute: 4, failureRatio: 0.03, newCustomerPerFailure: false },
      { from: 30, to: 60, perMinute: 4, failureRatio: 1 },
      { from: 60, to: 100, perMinute: 4, failureRatio: 0.03, newCustomerPerFailure: false },
    ).inputSeries(),
    expect: [fires(CRITICAL, 50), fires(CRITICAL, 60), ...quiet(CRITICAL, 75), ...quiet(PAYMENT_PAGE, 35, 45, 55, 60, 65, 70, 75, 80)],
  },
];

describe.each(["current", "oldest"] as const)("the SLO burn windows on the production rule file (%s promtool)", (release) => {
  let work: { dir: string; remove: () => void };
  beforeAll(async () => {
    work = tempDir(`slo-burn-${release}`);
    fs.writeFileSync(path.join(work.dir, "billing-alerts.yml"), (await deployedRuleFile("production", { config: { ruleEvaluationInterval: "5m" } })).text);
  });
  afterAll(() => work.remove());

  it("promtool test rules passes every case", () => {
    const result = runCases(work.dir, "billing-alerts.yml", CASES, "slo-burn", 5, release);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});
