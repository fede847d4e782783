/** Cases for `promtool test rules` on traffic as the app exposes it: whether an alert fires at given minutes. */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse, stringify } from "yaml";

import { METRICS } from "../../promql/metrics";
import type { Release } from "../../tools/servers";
import { eventsAt, type Exposition, type InputSeries } from "./exposition";
import { runTool, type ToolResult } from "./tools";

export interface Expectation {
  readonly alert: string;
  readonly minute: number;
  readonly firing: boolean;
}

export interface Case {
  readonly name: string;
  readonly minutes: number;
  readonly input: InputSeries[];
  readonly expect: readonly Expectation[];
  /** Counts the event that creates a series: the rules from before the new-series counting miss it. */
  readonly newSeries?: boolean;
}

export const PODS = ["rsolv-platform-7d9f-a", "rsolv-platform-7d9f-b"];
export const fires = (alert: string, minute: number): Expectation => ({ alert, minute, firing: true });
export const quiet = (alert: string, ...minutes: number[]): Expectation[] => minutes.map((minute) => ({ alert, minute, firing: false }));

export const WARNING = "BillingPaymentFailureRateHigh";
export const CRITICAL = "BillingPaymentFailureRateCritical";
export const PAYMENT_PAGE = "BillingPaymentSuccessErrorBudgetBurnPage";
export const PAYMENT_TICKET = "BillingPaymentSuccessErrorBudgetBurnTicket";

export interface PaymentTraffic {
  readonly from: number;
  readonly to: number;
  readonly perMinute: number;
  /** Share of the phase's payments that fail, spread evenly. */
  readonly failureRatio: number;
  /** Every failure from a customer that never failed before (a new series each). @default true */
  readonly newCustomerPerFailure?: boolean;
}

/** Payments spread over the running pods; successes come from 20 regular customers, failures from new ones. */
export function payments(x: Exposition, ...phases: PaymentTraffic[]): Exposition {
  let k = 0;
  for (const phase of phases) {
    // The phase's j-th payment fails when it brings the phase's failures to floor(j × ratio).
    for (let minute = phase.from, j = 0; minute < phase.to; minute++) {
      for (let i = 0; i < eventsAt(minute - phase.from, phase.perMinute); i++, k++, j++) {
        const pods = x.podsAt(minute);
        const pod = pods[k % pods.length];
        const failed = Math.floor((j + 1) * phase.failureRatio + 1e-9) > Math.floor(j * phase.failureRatio + 1e-9);
        const customer = failed && phase.newCustomerPerFailure !== false ? `cus_new_${k}` : `cus_${k % 20}`;
        const labels = { plan: "pro", payment_method: "card", status: failed ? "failed" : "succeeded", failure_code: failed ? "card_declined" : "none", customer_id: customer };
        x.count(METRICS.paymentProcessed.name, labels, minute, 1, pod);
      }
    }
  }
  return x;
}

const API = METRICS.phoenixRequestDuration;

/** `perMinute` requests a minute answered in `milliseconds` on one route (a billing route by default), through PromEx's Phoenix histogram. */
export function requests(x: Exposition, from: number, to: number, perMinute: number, milliseconds: number, route = "/api/v1/billing/subscriptions/:id"): Exposition {
  for (let minute = from; minute < to; minute++) {
    const labels = { status: "200", method: "GET", path: route, controller: "RsolvWeb.BillingController", action: "show", host: "rsolv.dev" };
    x.observe(API.name, labels, API.buckets, milliseconds, minute, eventsAt(minute - from, perMinute));
  }
  return x;
}

/**
 * The rule file's groups in file order, for promtool's `group_eval_order`. Without it promtool 3 evaluates the groups
 * of one step in Go's random map order, so a group reading another's recorded series sees this step's value or the
 * last one by chance, and a case on a boundary passes or fails from run to run. File order puts every producer
 * before its readers. (A live Prometheus evaluates each group at its own offset within the interval, so a reader
 * may lag one interval behind; the e2e and time-to-notify figures run on that.)
 */
export function groupOrder(ruleFileText: string): string[] {
  return (parse(ruleFileText) as { groups: { name: string }[] }).groups.map((group) => group.name);
}

function promtoolFile(ruleFile: string, all: readonly Case[], evaluationMinutes: number, order: readonly string[]) {
  return {
    rule_files: [ruleFile],
    evaluation_interval: `${evaluationMinutes}m`,
    group_eval_order: order,
    tests: all.map((c) => ({
      name: c.name,
      interval: "1m",
      input_series: c.input,
      promql_expr_test: c.expect.map((e) => ({
        expr: `count(ALERTS{alertname="${e.alert}",alertstate="firing"})`,
        eval_time: `${e.minute}m`,
        exp_samples: e.firing ? [{ labels: "{}", value: 1 }] : [],
      })),
    })),
  };
}

/**
 * Runs the cases; samples are a minute apart, the rules evaluated every `evaluationMinutes` (the rule file's
 * interval), by the promtool of that end of the supported range.
 */
export function runCases(dir: string, ruleFile: string, all: readonly Case[], name: string, evaluationMinutes = 1, release: Release = "current"): ToolResult {
  const file = path.join(dir, `${name}.test.yml`);
  fs.writeFileSync(file, stringify(promtoolFile(ruleFile, all, evaluationMinutes, groupOrder(fs.readFileSync(path.join(dir, ruleFile), "utf8"))), { lineWidth: 0 }));
  return runTool("promtool", ["test", "rules", file], dir, release);
}

