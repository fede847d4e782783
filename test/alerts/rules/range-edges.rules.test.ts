/**
 * What Prometheus 3 changed under the rules: range selectors became left-open, `(t - range, t]` instead of
 * `[t - range, t]`. The stack's rules evaluate on a fixed grid, so a recorded series has a sample exactly at the
 * left edge of every range over it. The SLO burn alerts' traffic guard turns a recorded 5-minute count back into the
 * events of a longer window as `sum_over_time(count[w]) / (5m / interval)`, which is exact when the window holds
 * `w / interval` samples: on 3.x it does; on 2.x it holds one more, and counts one evaluation's share too many.
 *
 * Steady traffic of 6 payments a minute, evaluated every minute, at minute 180: the guard's 1h count is 360 payments on
 * the current promtool, 366 on the oldest supported (Debian's 2.42). Expected values are worked out here from the
 * traffic, not read from the rules. The new-series counting's two windows (`[w]` and `[w] offset w`) tile time
 * without a gap on both: closed, they share one edge sample; left-open, they meet (real-traffic.test.ts runs its cases
 * on both releases).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { stringify } from "yaml";

import { METRICS } from "../../../promql/metrics";
import type { Release } from "../../../tools/servers";
import { deployedRuleFile } from "../../helpers/rule-file";
import { runTool, tempDir } from "../../helpers/tools";

const NAMESPACE = "rsolv-production";
const PER_MINUTE = 6;
const EVAL_MINUTE = 180;
/** The SLO's base window over the evaluation interval: each payment is in 5 consecutive recorded 5m counts. */
const EVALUATIONS_PER_BASE_WINDOW = 5;

/** One customer's payments, one counter series scraped every minute, the way PromEx exposes it. */
const input = [
  {
    series: `${METRICS.paymentProcessed.name}{namespace="${NAMESPACE}",job="rsolv-platform",pod="rsolv-platform-0",plan="pro",payment_method="card",status="succeeded",failure_code="none",customer_id="cus_1"}`,
    values: `0+${PER_MINUTE}x${EVAL_MINUTE + 10}`,
  },
];

/** The guard's count of the last hour, as the burn alerts write it. */
const GUARD_1H = `sum_over_time(namespace_slo:sli_events:increase5m{namespace="${NAMESPACE}",slo="payment-success"}[1h]) / ${EVALUATIONS_PER_BASE_WINDOW}`;

// Each recorded 5m count is 6 × 5 = 30 payments; a left-open hour holds 60 of them, a closed one 61.
const EXPECTED: Readonly<Record<Release, number>> = {
  current: (60 * PER_MINUTE * 5) / EVALUATIONS_PER_BASE_WINDOW,
  oldest: (61 * PER_MINUTE * 5) / EVALUATIONS_PER_BASE_WINDOW,
};

describe.each(["current", "oldest"] as const)("range-selector edges on the %s promtool", (release) => {
  let work: { dir: string; remove: () => void };
  beforeAll(async () => {
    work = tempDir(`range-edges-${release}`);
    fs.writeFileSync(path.join(work.dir, "billing-alerts.yml"), (await deployedRuleFile("production")).text);
  });
  afterAll(() => work.remove());

  it(`the SLO guard's 1h count of steady payments is ${EXPECTED[release]}`, () => {
    expect(EXPECTED).toEqual({ current: 360, oldest: 366 });
    const file = path.join(work.dir, "edges.test.yml");
    const test = { expr: GUARD_1H, eval_time: `${EVAL_MINUTE}m` };
    const cases = (value: number) => ({
      rule_files: ["billing-alerts.yml"],
      evaluation_interval: "1m",
      tests: [{ name: "guard 1h", interval: "1m", input_series: input, promql_expr_test: [{ ...test, exp_samples: [{ labels: `{namespace="${NAMESPACE}",slo="payment-success"}`, value }] }] }],
    });
    fs.writeFileSync(file, stringify(cases(EXPECTED[release])));
    const result = runTool("promtool", ["test", "rules", file], work.dir, release);
    expect({ status: result.status, output: result.output }).toEqual({ status: 0, output: expect.stringContaining("SUCCESS") });
    // And the other release's count is wrong here: the two differ, the edge is what the test sees.
    fs.writeFileSync(file, stringify(cases(EXPECTED[release === "current" ? "oldest" : "current"])));
    expect(runTool("promtool", ["test", "rules", file], work.dir, release).status).toBe(1);
  });
});
