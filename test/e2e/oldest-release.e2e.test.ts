/**
 * The oldest supported releases (Debian 12's Prometheus 2.42 and Alertmanager 0.25) still deliver: the sandbox on
 * them, the stack's rules and configuration as deployed, a payment outage emails the seed's on-call recipients; and
 * `npm run verify` reads their APIs, passing the stack as deployed and failing a stack declared for a newer
 * Alertmanager. Every other e2e file runs the current releases.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse, stringify } from "yaml";

import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { serverVersion } from "../../tools/servers";
import { emailsOf, expectedEmail } from "./expectations";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";
import { checkLine, verify } from "./verify-cli";

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

test("npm run verify passes the stack as deployed on them, and fails a stack declared for a newer Alertmanager", async () => {
  const dir = sandbox.renderedDir(ENVIRONMENT);
  const against = ["--prometheus", sandbox.prometheusUrl, "--alertmanager", sandbox.alertmanagerUrl];
  const deployed = await verify(["--rendered", dir, ...against]);
  expect({ code: deployed.code, stderr: deployed.stderr }).toEqual({ code: 0, stderr: "" });
  expect(checkLine(deployed, "Prometheus release")).toMatch(/^PASS .* Prometheus 2\.42\.0, at least the stack's prometheusVersion 2\.42\.0$/);
  expect(checkLine(deployed, "Alertmanager release")).toMatch(/^PASS .* Alertmanager 0\.25\.0, at least the stack's alertmanagerVersion 0\.25\.0$/);
  expect(checkLine(deployed, "Alertmanager runs the stack's configuration")).toMatch(/^PASS /);

  // The same tree, as a stack that declares Alertmanager 0.28 renders its outputs.
  const newer = path.join(path.dirname(dir), `${ENVIRONMENT}-declared-newer`);
  fs.cpSync(dir, newer, { recursive: true });
  const outputsFile = path.join(newer, "outputs.yaml");
  const outputs = parse(fs.readFileSync(outputsFile, "utf8")) as { targetReleases: { alertmanager: string } };
  outputs.targetReleases.alertmanager = "0.28.0";
  fs.writeFileSync(outputsFile, stringify(outputs));
  const declaredNewer = await verify(["--rendered", newer, ...against]);
  expect(declaredNewer.code).toBe(1);
  expect(checkLine(declaredNewer, "Alertmanager release")).toMatch(/^FAIL .* Alertmanager 0\.25\.0 is older than the stack's alertmanagerVersion, 0\.28\.0: .* run: pulumi config set alertmanagerVersion 0\.25\.0$/);
});
