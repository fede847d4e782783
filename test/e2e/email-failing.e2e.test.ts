/**
 * Fault: Postmark refuses the SMTP credentials (a revoked token). Alertmanager's email notifications fail;
 * AlertmanagerNotificationsFailing fires for `integration="email"` within its bound, reaches the on-call through
 * every integration that joins the email-failing receiver (alerts/integrations.ts; the sandbox's sinks), never email alone, and silences the Watchdog, so the heartbeat stops
 * and the heartbeat service would page by its own channel. With the credentials accepted again, it resolves and the
 * heartbeat comes back.
 */
import { EMAIL_INTEGRATION, NOTIFICATIONS_FAILING } from "../../alerts/alerting-pipeline";
import { WATCHDOG } from "../../alerts/pipeline";
import { type Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { EXPECTED_ALERTS } from "../../tools/sandbox/scenarios";
import { INTEGRATIONS } from "../../alerts/integrations";
import { atLeast } from "../../config/releases";
import { serverVersion } from "../../tools/servers";
import type { SinkName } from "../../tools/sandbox/webhook-sink";
import { alertmanagerCounter, sandboxOfFile, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-email-failing";
/** A critical alert: its email fails, so Alertmanager counts failed email notifications. */
const SCENARIO = "payment-failures-critical";
const [ALERT] = EXPECTED_ALERTS[SCENARIO];

const sandboxOf = sandboxOfFile({ environments: [ENVIRONMENT] });

/** The integrations told of failing email: every one that joins its receiver and that the sandbox's release runs. */
const TOLD = INTEGRATIONS.filter((i) => i.emailFailing && (i.alertmanagerRelease === undefined || atLeast(serverVersion("alertmanager"), i.alertmanagerRelease)));
const TOLD_NAMES = TOLD.map((i) => i.name).join(", ");

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/** Whether the pipeline alert for email fires in Prometheus. */
async function emailFailingFiring(sandbox: Sandbox): Promise<boolean> {
  return (await sandbox.alerts()).some((a) => a.state === "firing" && a.labels.alertname === NOTIFICATIONS_FAILING && a.labels.integration === EMAIL_INTEGRATION && a.labels.environment === ENVIRONMENT);
}

/** Posts a sink received about the pipeline alert, after `since`. */
const postsAbout = (sandbox: Sandbox, sink: SinkName, since: number) => sandbox.webhooks.received(sink).filter((post) => post.receivedAt >= since && JSON.stringify(post.body).includes(NOTIFICATIONS_FAILING));

test(`SMTP refusing the credentials: the email-failing alert fires within its bound, reaches ${TOLD_NAMES}, and stops the heartbeat`, async () => {
  const sandbox = sandboxOf();
  const { cfg } = sandbox;
  // GIVEN traffic, the Watchdog reaching the heartbeat sink, and Postmark refusing our token
  await waitForTraffic(sandbox, [ENVIRONMENT]);
  await waitFor("a heartbeat", () => sandbox.webhooks.received("heartbeat").length > 0, WAIT_MS);
  sandbox.smtp.refuseCredentials(true);
  const refusedAt = Date.now();

  // WHEN a critical alert fires and Alertmanager's email of it fails
  await sandbox.setScenario(ENVIRONMENT, SCENARIO);
  const failedAt = await waitFor("a failed email notification", async () => (await alertmanagerCounter(sandbox, "alertmanager_notifications_failed_total", { integration: EMAIL_INTEGRATION })) > 0 && Date.now(), WAIT_MS, 100);

  // THEN the pipeline alert fires within for + scrape + evaluation (plus a second for the polling) of the failure
  const firedAt = await waitFor(`${NOTIFICATIONS_FAILING} firing for email`, async () => (await emailFailingFiring(sandbox)) && Date.now(), WAIT_MS, 100);
  const boundMs = (cfg.alertingPipelineFor.seconds + cfg.scrapeInterval.seconds + cfg.ruleEvaluationInterval.seconds + 1) * 1000;
  // AND it reaches every such integration within the group wait (plus the posts' round trip)
  const deliveredAt = await waitFor(`${TOLD_NAMES} told`, () => TOLD.every((i) => postsAbout(sandbox, i.sandbox.sink, refusedAt).length > 0) && Date.now(), WAIT_MS, 100);
  // AND the Watchdog is inhibited by it, so the heartbeat stops: nothing for three heartbeat intervals
  const inhibitedAt = await waitFor(
    "the Watchdog inhibited",
    async () => (await sandbox.alertmanagerAlerts()).some((a) => a.labels.alertname === WATCHDOG && a.labels.environment === ENVIRONMENT && a.status.state === "suppressed" && a.status.inhibitedBy.length > 0) && Date.now(),
    WAIT_MS,
    100,
  );
  const quietMs = 3 * cfg.heartbeatRepeatInterval.seconds * 1000;
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  const lastHeartbeat = Math.max(...sandbox.webhooks.received("heartbeat").map((post) => post.receivedAt));
  process.stdout.write(
    `\nemail failing: first failed email ${seconds(failedAt - refusedAt)} s after SMTP refused; ${NOTIFICATIONS_FAILING} firing ${seconds(firedAt - failedAt)} s later (bound ${boundMs / 1000} s = for + scrape + evaluation + 1 s); ` +
      `${TOLD_NAMES} told ${seconds(deliveredAt - firedAt)} s after firing (group wait ${cfg.groupWait.seconds} s); Watchdog inhibited ${seconds(inhibitedAt - firedAt)} s after firing; last heartbeat ${seconds(lastHeartbeat - inhibitedAt)} s after the inhibition, none in the ${quietMs / 1000} s after\n`,
  );
  expect(firedAt - failedAt).toBeLessThanOrEqual(boundMs);
  expect(lastHeartbeat).toBeLessThan(inhibitedAt + 1000);
  // No email got through: the on-call learnt of it from the integrations only.
  expect(sandbox.smtp.emails).toEqual([]);
  expect(sandbox.smtp.rejections.some((r) => r.startsWith("bad credentials"))).toBe(true);
  expect(await sandbox.firing(ENVIRONMENT)).toEqual(expect.arrayContaining([ALERT, NOTIFICATIONS_FAILING, WATCHDOG]));

  // WHEN the credentials are accepted again THEN the pipeline alert resolves and the heartbeat comes back
  sandbox.smtp.refuseCredentials(false);
  const acceptedAt = Date.now();
  await waitFor(`${NOTIFICATIONS_FAILING} resolved`, async () => !(await emailFailingFiring(sandbox)), WAIT_MS);
  await waitFor("the heartbeat back", () => sandbox.webhooks.received("heartbeat").some((post) => post.receivedAt > acceptedAt), WAIT_MS);
  await waitFor("the held critical emailed", () => sandbox.smtp.emails.some((email) => email.subject.includes(ALERT)), WAIT_MS);
});
