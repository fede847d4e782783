/**
 * The oldest supported releases (Debian 12's Prometheus 2.42 and Alertmanager 0.25) still deliver: the sandbox on
 * them, the stack's rules and configuration as deployed, a payment outage emails the seed's on-call recipients. Every
 * other e2e file runs the current releases.
 */
import { Sandbox, waitFor } from "../../sandbox/sandbox";
import { serverVersion } from "../../tools/servers";
import { emailsOf, expectedEmail } from "./expectations";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-oldest";
const CRITICAL = "BillingPaymentFailureRateCritical";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT], release: "oldest" });
  await waitForTraffic(sandbox, [ENVIRONMENT]);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("on Prometheus 2.42 and Alertmanager 0.25 a payment outage emails the on-call", async () => {
  // GIVEN the servers are the oldest supported releases, as they report themselves
  const buildInfo = (await (await fetch(`${sandbox.prometheusUrl}/api/v1/status/buildinfo`)).json()) as { data: { version: string } };
  const status = (await (await fetch(`${sandbox.alertmanagerUrl}/api/v2/status`)).json()) as { versionInfo: { version: string } };
  expect([buildInfo.data.version.replace(/\+ds$/, ""), status.versionInfo.version]).toEqual([serverVersion("prometheus", "oldest"), serverVersion("alertmanager", "oldest")]);

  // WHEN payments fail
  await sandbox.setScenario(ENVIRONMENT, "payment-failures-critical");

  // THEN the critical email reaches the seed's critical recipients
  const critical = expectedEmail(sandbox.cfg, CRITICAL, "firing");
  await waitFor(`${CRITICAL} emailed`, () => emailsOf(sandbox.smtp.emails, ENVIRONMENT).some((email) => email.subject === critical.subject), WAIT_MS);
  expect(emailsOf(sandbox.smtp.emails, ENVIRONMENT).find((email) => email.subject === critical.subject)).toEqual(critical);
});
