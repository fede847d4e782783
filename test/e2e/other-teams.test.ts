/**
 * Another team's alert on the shared Alertmanager, through the stack's configuration as deployed (no base): a real
 * Alertmanager emails it to the neutral receiver with Alertmanager's own subject, never to a billing receiver or with
 * a billing subject; billing's critical alert, in the same run, still mails the on-call.
 */
import { Sandbox, waitFor } from "../../sandbox/sandbox";
import { emailsOf, expectedEmail } from "./expectations";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-shared";
const CRITICAL = "BillingPaymentFailureRateCritical";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT] });
  await waitForTraffic(sandbox, [ENVIRONMENT]);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("a platform team's critical alert gets a neutral email to the configured recipients; billing's critical still pages billing", async () => {
  // GIVEN a critical alert of another team, in the same environment, posted as its Prometheus would
  const labels = { alertname: "PostgresDown", severity: "critical", environment: ENVIRONMENT, team: "platform", namespace: "databases" };
  const post = await fetch(`${sandbox.alertmanagerUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ labels, annotations: { summary: "primary down" }, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 600_000).toISOString() }]),
  });
  expect(post.status).toBe(200);
  // AND billing's own outage
  await sandbox.setScenario(ENVIRONMENT, "payment-failures-critical");

  // THEN the other team's alert is mailed once, neutrally, to the default recipients
  await waitFor("PostgresDown emailed", () => sandbox.smtp.emails.some((email) => email.subject.includes("PostgresDown")), WAIT_MS);
  const other = sandbox.smtp.emails.filter((email) => email.subject.includes("PostgresDown"));
  expect(other.map((email) => ({ subject: email.subject.replace(/\(.*\)$/, "(…)"), recipients: email.recipients }))).toEqual([{ subject: `[FIRING:1] PostgresDown ${ENVIRONMENT} critical (…)`, recipients: ["admin@rsolv.dev"] }]);
  // Alertmanager's own subject: the count, then the group labels (alertname, environment, severity), then the rest.
  expect(other[0].subject).not.toMatch(/BILLING|Billing/);
  // AND billing's critical reaches billing's on-call, as the write-up says
  const critical = expectedEmail(sandbox.cfg, CRITICAL, "firing");
  await waitFor(`${CRITICAL} emailed`, () => emailsOf(sandbox.smtp.emails.filter((email) => !email.subject.includes("PostgresDown")), ENVIRONMENT).some((email) => email.subject === critical.subject), WAIT_MS);
});
