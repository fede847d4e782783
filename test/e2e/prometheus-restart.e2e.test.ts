/**
 * Fault: Prometheus restarts while an alert is pending. It comes back on the same data, evaluates the alert again
 * from its recorded history, and the alert still reaches email, exactly once, then resolves.
 */
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { EXPECTED_ALERTS } from "../../tools/sandbox/scenarios";
import { WATCHDOG } from "../../alerts/pipeline";
import { emailsOf, expectedEmail, sorted } from "./expectations";
import { firingExactly, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-prometheus-restart";
// The warning has the longest `for`, so the restart lands well inside its pending time.
const SCENARIO = "payment-failures-warning";
const [ALERT] = EXPECTED_ALERTS[SCENARIO];

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT] });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("Prometheus restarted mid-scenario: the alert still reaches email", async () => {
  // GIVEN traffic, then the scenario, with its alert pending
  await waitForTraffic(sandbox, [ENVIRONMENT]);
  await sandbox.setScenario(ENVIRONMENT, SCENARIO);
  await waitFor(`${ALERT} pending`, async () => (await sandbox.alerts()).some((a) => a.labels.alertname === ALERT && a.labels.environment === ENVIRONMENT && a.state === "pending"), WAIT_MS);

  // WHEN Prometheus restarts
  await sandbox.restartPrometheus();
  expect(sandbox.smtp.emails).toEqual([]);

  // THEN the alert fires and is emailed; after recovery, resolved: exactly these two emails
  await waitFor(`${ALERT} firing`, () => firingExactly(sandbox, ENVIRONMENT, [ALERT, WATCHDOG].sort()), WAIT_MS);
  await waitFor("the alert's email", () => sandbox.smtp.emails.length > 0, WAIT_MS);
  await sandbox.setScenario(ENVIRONMENT, "healthy");
  await waitFor("only the Watchdog firing", () => firingExactly(sandbox, ENVIRONMENT, [WATCHDOG]), WAIT_MS);
  await waitFor("the resolved email", () => sandbox.smtp.emails.length >= 2, WAIT_MS);
  expect(sorted(emailsOf(sandbox.smtp.emails, ENVIRONMENT))).toEqual(sorted([expectedEmail(sandbox.cfg, ALERT, "firing"), expectedEmail(sandbox.cfg, ALERT, "resolved")]));
  expect(sandbox.smtp.emails.length).toBe(2);
});
