/**
 * The sandbox under a stack file's thresholds (`npm run sandbox -- --stack <name>`): the rules take the stack's
 * ratio, the simulator keeps its default-threshold traffic, so a person sees whether a scenario still fires. Here the
 * payment failure warning is raised to 20 % (the critical stays at 25 %): the warning scenario (17.5 % failures, above
 * the default 10 %) no longer fires it, and the critical scenario (62.5 %) still does.
 */
import { parse } from "yaml";

import { comparisons } from "../../tools/review/model";
import { stackThresholds } from "../../tools/sandbox/profile";
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-thresholds";
const WARNING = "BillingPaymentFailureRateHigh";

let sandbox: Sandbox;

beforeAll(async () => {
  // As a stack file would hold them: a threshold taken over, a duration left to the profile.
  const fromStack = stackThresholds({ paymentFailureWarningRatio: "0.2", paymentFailureWarningFor: "15m", appNamespace: "rsolv-production" });
  expect(fromStack).toEqual({ values: { paymentFailureWarningRatio: "0.2" }, scaled: ["paymentFailureWarningFor"] });
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT], thresholds: fromStack.values });
  await waitForTraffic(sandbox, [ENVIRONMENT]);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("a raised warning threshold: the warning scenario no longer fires it, the critical one still does", async () => {
  const rules = (parse(sandbox.rendered.get(ENVIRONMENT)!.ruleFile) as { groups: { rules: { alert?: string; expr: string; for?: string }[] }[] }).groups.flatMap((group) => group.rules);
  const warning = rules.find((rule) => rule.alert === WARNING)!;
  const [threshold] = comparisons(warning.expr);
  expect(threshold.value).toBe(0.2);
  // The profile's duration, not the stack's 15m.
  expect(warning.for).toBe(sandbox.cfg.paymentFailureWarningFor.text);

  await sandbox.setScenario(ENVIRONMENT, "payment-failures-warning");
  // The ratio the rule reads climbs above the default 10 % and stays below 20 %, for longer than the rule's `for`:
  // with the default threshold it would have fired by then.
  const forSeconds = sandbox.cfg.paymentFailureWarningFor.seconds;
  let aboveSince: number | undefined;
  let highest = 0;
  await waitFor(`the failure ratio above 10 % for ${forSeconds + 5} s`, async () => {
    const [sample] = await sandbox.query(threshold.left);
    const ratio = sample ? Number(sample.value[1]) : 0;
    highest = Math.max(highest, ratio);
    if (ratio <= 0.1) aboveSince = undefined;
    else aboveSince ??= Date.now();
    return aboveSince !== undefined && Date.now() - aboveSince > (forSeconds + 5) * 1000;
  }, WAIT_MS);
  expect(highest).toBeLessThan(0.2);
  expect((await sandbox.alerts()).filter((alert) => alert.labels.alertname === WARNING)).toEqual([]);

  await sandbox.setScenario(ENVIRONMENT, "payment-failures-critical");
  await waitFor(`${WARNING} firing above 20 %`, async () => (await sandbox.firing(ENVIRONMENT)).includes(WARNING), WAIT_MS);
});
