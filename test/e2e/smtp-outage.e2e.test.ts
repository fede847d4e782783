/**
 * Fault: the SMTP server is down when an alert fires and comes back 30 s later. Alertmanager keeps retrying; the
 * email arrives, exactly once, and so does its resolution. (The outage may also raise AlertmanagerNotificationsFailing,
 * as it should: its own emails are left out of the count here; test/e2e/email-failing.e2e.test.ts is about it.)
 */
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { EXPECTED_ALERTS } from "../../tools/sandbox/scenarios";
import { NOTIFICATIONS_FAILING } from "../../alerts/alerting-pipeline";
import { WATCHDOG } from "../../alerts/pipeline";
import { emailsOf, expectedEmail, sorted } from "./expectations";
import { alertmanagerCounter, firingExactly, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-smtp-outage";
const SCENARIO = "webhook-failures";
const [ALERT] = EXPECTED_ALERTS[SCENARIO];
/** How long the outage lasts after the alert fires (the fault). */
const OUTAGE_MS = 30_000;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT] });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("SMTP down when the alert fires and back 30 s later: the email still arrives, once", async () => {
  // GIVEN traffic, and the SMTP server down
  await waitForTraffic(sandbox, [ENVIRONMENT]);
  await sandbox.smtp.stop();

  // WHEN the alert fires and Alertmanager has tried to email it
  await sandbox.setScenario(ENVIRONMENT, SCENARIO);
  await waitFor(`${ALERT} firing`, () => firingExactly(sandbox, ENVIRONMENT, [ALERT, WATCHDOG].sort()), WAIT_MS);
  const firedAt = Date.now();
  await waitFor("a failed email attempt", async () => (await alertmanagerCounter(sandbox, "alertmanager_notifications_failed_total", { integration: "email" })) > 0, WAIT_MS);
  // The outage itself: a fixed duration by definition, not a wait for something to happen.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, firedAt + OUTAGE_MS - Date.now())));
  expect(sandbox.smtp.emails).toEqual([]);
  await sandbox.smtp.start();

  // THEN the email arrives; and after recovery, its resolution: exactly these two
  await waitFor("the alert's email", () => sandbox.smtp.emails.length > 0, WAIT_MS);
  await sandbox.setScenario(ENVIRONMENT, "healthy");
  await waitFor("only the Watchdog firing", () => firingExactly(sandbox, ENVIRONMENT, [WATCHDOG]), WAIT_MS);
  const ofAlert = () => sandbox.smtp.emails.filter((email) => email.subject.includes(ALERT));
  await waitFor("the resolved email", () => ofAlert().length >= 2, WAIT_MS);
  expect(sorted(emailsOf(ofAlert(), ENVIRONMENT))).toEqual(sorted([expectedEmail(sandbox.cfg, ALERT, "firing"), expectedEmail(sandbox.cfg, ALERT, "resolved")]));
  expect(ofAlert().length).toBe(2);
  expect(sandbox.smtp.emails.filter((email) => !email.subject.includes(ALERT) && !email.subject.includes(NOTIFICATIONS_FAILING))).toEqual([]);
});
