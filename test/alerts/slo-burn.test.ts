/**
 * The SLO burn-rate windows, each on its own burn rate and not below it, on the production rule file rendered with
 * `ruleEvaluationInterval: 5m` (a stack setting): the windows run to 12 hours, and evaluating every 5 minutes
 * instead of every minute keeps the test to a few seconds. The expressions are the deployed ones; only the guard's
 * evaluations-per-window divisor follows the interval. Traffic as the app exposes it (test/helpers/traffic.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { Exposition } from "../helpers/exposition";
import { deployedRuleFile } from "../helpers/rule-file";
import { tempDir } from "../helpers/tools";
import { type Case, fires, PAYMENT_PAGE, PAYMENT_TICKET, payments, PODS, quiet, runCases } from "../helpers/traffic";

const NAMESPACE = "rsolv-production";

/** 6 h of normal traffic (4 payments a minute, 3 % failing) first, so every page window is full, then the burn. */
function history(minutes: number, failureRatio: number, perMinute = 4): Case["input"] {
  const app = new Exposition(minutes, { namespace: NAMESPACE, job: "rsolv-platform" }, [PODS[0]]);
  return payments(
    app,
    { from: 0, to: 360, perMinute, failureRatio: 0.03, newCustomerPerFailure: false },
    { from: 360, to: minutes, perMinute, failureRatio },
  ).inputSeries();
}

/** A steady share failing from the start, for tickets: the ticket windows (1 and 3 days) hold all the data. */
function steady(minutes: number, failureRatio: number): Case["input"] {
  const app = new Exposition(minutes, { namespace: NAMESPACE, job: "rsolv-platform" }, [PODS[0]]);
  return payments(app, { from: 0, to: minutes, perMinute: 4, failureRatio, newCustomerPerFailure: false }).inputSeries();
}

// Budget 5 % (objective 95 %). Page: 1h/5m above 14.4× (72 % failing), 6h/30m above 6× (30 %). Ticket: 1d/2h above
// 3× (15 %), 3d/6h above 1× (5 %).
const CASES: Case[] = [
  // 75 % failing is 15×: the 1h window passes 14.4× after 58 minutes of it; the 6h window is at 15 % then.
  // (Evaluated every 5 minutes, the 1h window holds 13 recorded counts, one of them from before the burn.)
  { name: "15× burn pages through the 1h/5m windows", minutes: 430, input: history(430, 0.75), expect: [...quiet(PAYMENT_PAGE, 400), fires(PAYMENT_PAGE, 430)] },
  { name: "14× burn never reaches the 1h/5m page", minutes: 430, input: history(430, 0.7), expect: quiet(PAYMENT_PAGE, 400, 420, 430) },
  // 40 % failing is 8×: the 6h window passes 6× after 263 minutes of it.
  { name: "8× burn pages through the 6h/30m windows", minutes: 645, input: history(645, 0.4), expect: [...quiet(PAYMENT_PAGE, 420, 600), fires(PAYMENT_PAGE, 645)] },
  { name: "5× burn pages through neither window", minutes: 725, input: history(725, 0.25), expect: quiet(PAYMENT_PAGE, 420, 600, 720) },
  // A total outage at 1 payment every 5 minutes: no 5-minute window holds 5 failures, the 30-minute one does; the
  // 6h window passes 30 % after 100 minutes of it.
  { name: "total outage at 1 payment every 5 minutes pages through the 6h/30m windows within 2 hours", minutes: 480, input: history(480, 1, 0.2), expect: [...quiet(PAYMENT_PAGE, 400, 450), fires(PAYMENT_PAGE, 480)] },
  // 7.5 % failing is 1.5×: above the 3d/6h ticket's 1×, below the 1d/2h ticket's 3×.
  { name: "1.5× burn opens a ticket through the 3d/6h windows, no page", minutes: 720, input: steady(720, 0.075), expect: [fires(PAYMENT_TICKET, 60), fires(PAYMENT_TICKET, 720), ...quiet(PAYMENT_PAGE, 60, 720)] },
  { name: "3.5× burn opens a ticket through the 1d/2h windows too", minutes: 240, input: steady(240, 0.175), expect: [fires(PAYMENT_TICKET, 60), ...quiet(PAYMENT_PAGE, 60, 240)] },
  { name: "0.9× burn opens no ticket", minutes: 720, input: steady(720, 0.045), expect: quiet(PAYMENT_TICKET, 60, 360, 720) },
];

describe("the SLO burn windows on the production rule file", () => {
  let work: { dir: string; remove: () => void };
  beforeAll(async () => {
    work = tempDir("slo-burn");
    fs.writeFileSync(path.join(work.dir, "billing-alerts.yml"), (await deployedRuleFile("production", { config: { ruleEvaluationInterval: "5m" } })).text);
  });
  afterAll(() => work.remove());

  it("promtool test rules passes every case", () => {
    const result = runCases(work.dir, "billing-alerts.yml", CASES, "slo-burn", 5);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });
});
