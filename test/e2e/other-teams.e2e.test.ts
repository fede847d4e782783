/**
 * Other teams' alerts on the shared Alertmanager, through the stack's configuration as deployed, on a real
 * Alertmanager: without a base, another team's critical is mailed to the neutral receiver with Alertmanager's own
 * subject, never to a billing receiver; with a base (another team's routes, receivers and SMTP settings), it goes where
 * the base routes it, by the base's own mail settings; billing's critical mails billing's on-call either way.
 */
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import type { ReceivedEmail } from "../../tools/sandbox/smtp-sink";
import { emailsOf, expectedEmail } from "./expectations";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-shared";
const CRITICAL = "BillingPaymentFailureRateCritical";
const OTHER = "PostgresDown";

/** The platform team's base: its routing and its own SMTP login (the sandbox fills in its SMTP server's). */
const BASE = `global:
  smtp_smarthost: <sandbox-smtp-smarthost>
  smtp_from: alertmanager@platform.example
  smtp_auth_username: <sandbox-smtp-username>
  smtp_auth_password_file: <sandbox-smtp-password-file>
  smtp_require_tls: true
route:
  receiver: platform-default
  group_by: [alertname]
  group_wait: 1s
  routes:
    - receiver: platform-oncall
      matchers: ['team="platform"', 'severity="critical"']
receivers:
  - name: platform-default
    email_configs: [{ to: platform@example.org }]
  - name: platform-oncall
    email_configs: [{ to: platform-oncall@example.org }]
`;

/** Posts another team's critical alert, as its Prometheus would. */
async function postOtherTeamsAlert(sandbox: Sandbox): Promise<void> {
  const labels = { alertname: OTHER, severity: "critical", environment: ENVIRONMENT, team: "platform", namespace: "databases" };
  const post = await fetch(`${sandbox.alertmanagerUrl}/api/v2/alerts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([{ labels, annotations: { summary: "primary down" }, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 600_000).toISOString() }]),
  });
  expect(post.status).toBe(200);
}

const others = (sandbox: Sandbox): ReceivedEmail[] => sandbox.smtp.emails.filter((email) => email.subject.includes(OTHER));

/** Billing's outage still reaches billing's on-call (its emails are the ones with billing's body). */
async function billingCriticalMailed(sandbox: Sandbox): Promise<void> {
  const critical = expectedEmail(sandbox.cfg, CRITICAL, "firing");
  await waitFor(`${CRITICAL} emailed`, () => emailsOf(sandbox.smtp.emails.filter((email) => !email.subject.includes(OTHER)), ENVIRONMENT).some((email) => email.subject === critical.subject), WAIT_MS);
  expect(emailsOf(sandbox.smtp.emails.filter((email) => !email.subject.includes(OTHER)), ENVIRONMENT).find((email) => email.subject === critical.subject)).toEqual(critical);
}

describe.each([
  { setup: "without a base", base: undefined, recipients: ["admin@rsolv.dev"], subject: `[FIRING:1] ${OTHER} ${ENVIRONMENT} critical (…)` },
  { setup: "with another team's base", base: BASE, recipients: ["platform-oncall@example.org"], subject: `[FIRING:1] ${OTHER} (…)` },
])("another team's critical, $setup", ({ base, recipients, subject }) => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await Sandbox.start({ environments: [ENVIRONMENT], ...(base ? { alertmanagerBase: base } : {}) });
    await waitForTraffic(sandbox, [ENVIRONMENT]);
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  test(`is mailed once to ${recipients.join(", ")} with Alertmanager's own subject; billing's critical still mails billing's on-call`, async () => {
    await postOtherTeamsAlert(sandbox);
    await sandbox.setScenario(ENVIRONMENT, "payment-failures-critical");
    await waitFor(`${OTHER} emailed`, () => others(sandbox).length > 0, WAIT_MS);
    // Alertmanager's own subject: the count, the group labels, then the other common labels in brackets.
    expect(others(sandbox).map((email) => ({ subject: email.subject.replace(/\(.*\)$/, "(…)"), recipients: email.recipients }))).toEqual([{ subject, recipients }]);
    expect(others(sandbox)[0].subject).not.toMatch(/billing/i);
    await billingCriticalMailed(sandbox);
  });
});
