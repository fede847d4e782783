/**
 * Alertmanager HA with the real binaries: three Alertmanager replicas clustered on loopback and two Prometheus
 * replicas with the same rules (a `replica` external label, dropped before alerts are sent), each Prometheus sending
 * to every Alertmanager. One outage is one email, however many replicas see it; a replica killed while the alert
 * fires changes nothing; its resolution is one email; the replica rejoins and sends nothing twice.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { WATCHDOG } from "../../alerts/pipeline";
import { ROOT } from "../../tools/engine/program";
import { CLUSTER_PEER_TIMEOUT, Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { EXPECTED_ALERTS } from "../../tools/sandbox/scenarios";
import { emailsOf, expectedEmail } from "./expectations";
import { firingExactly, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-ha";
const SCENARIO = "webhook-failures";
const [ALERT] = EXPECTED_ALERTS[SCENARIO];
const REPLICAS = 3;
/**
 * Long enough for a duplicate to have arrived: the last replica waits its position × the peer timeout before it
 * would notify what the first did not, plus a group interval and the gossip of the notification log.
 */
const QUIET_MS = (REPLICAS * Number.parseInt(CLUSTER_PEER_TIMEOUT, 10) + 4 + 3) * 1000;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT], alertmanagerReplicas: REPLICAS, prometheusReplicas: 2 });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

const ours = () => emailsOf(sandbox.smtp.emails, ENVIRONMENT);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("three clustered Alertmanagers and two Prometheus: one email per notification, through a replica's death and return", async () => {
  // GIVEN a ready cluster of three, both Prometheus sending to all of them, and traffic
  for (let i = 0; i < REPLICAS; i++) await waitFor(`Alertmanager ${i} in a ready cluster of ${REPLICAS}`, async () => JSON.stringify(await sandbox.clusterStatus(i)) === JSON.stringify({ status: "ready", peers: REPLICAS }), WAIT_MS);
  for (const url of sandbox.prometheusUrls) {
    await waitFor(`${url} sending to every Alertmanager`, async () => {
      const body = (await (await fetch(`${url}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: unknown[] } };
      return body.data.activeAlertmanagers.length === REPLICAS;
    }, WAIT_MS);
  }
  await waitForTraffic(sandbox, [ENVIRONMENT]);

  // WHEN the failure starts THEN one email, and no second one from another replica or the other Prometheus
  const switchedAt = Date.now();
  await sandbox.setScenario(ENVIRONMENT, SCENARIO);
  await waitFor(`${ALERT} firing`, () => firingExactly(sandbox, ENVIRONMENT, [ALERT, WATCHDOG].sort()), WAIT_MS);
  await waitFor("the alert's email", () => ours().length > 0, WAIT_MS);
  const emailedAt = sandbox.smtp.emails.find((email) => emailsOf([email], ENVIRONMENT).length > 0)!.receivedAt;
  await pause(QUIET_MS);
  expect(ours()).toEqual([expectedEmail(sandbox.cfg, ALERT, "firing")]);
  // For the bench: switch to email with the cluster, beside the one-replica figure of scenarios.test.ts.
  fs.mkdirSync(path.join(ROOT, ".tmp", "bench"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, ".tmp", "bench", "e2e-ha-switch-to-email.json"), `${JSON.stringify({ scenario: SCENARIO, alert: ALERT, alertmanagers: REPLICAS, prometheus: 2, measuredSeconds: Number(((emailedAt - switchedAt) / 1000).toFixed(1)) })}\n`);

  // WHEN the first replica (the one that notifies) dies while the alert fires THEN still that one email
  await sandbox.stopAlertmanager(0);
  await pause(QUIET_MS);
  expect(ours()).toEqual([expectedEmail(sandbox.cfg, ALERT, "firing")]);

  // WHEN the failure ends THEN one resolved email, from the replicas left
  await sandbox.setScenario(ENVIRONMENT, "healthy");
  await waitFor("only the Watchdog firing", () => firingExactly(sandbox, ENVIRONMENT, [WATCHDOG]), WAIT_MS);
  await waitFor("the resolved email", () => ours().length >= 2, WAIT_MS);
  await pause(QUIET_MS);
  expect(ours()).toEqual([expectedEmail(sandbox.cfg, ALERT, "firing"), expectedEmail(sandbox.cfg, ALERT, "resolved")]);

  // WHEN the replica comes back THEN it rejoins the cluster and sends nothing the others sent
  await sandbox.startAlertmanagerAgain(0);
  await waitFor("Alertmanager 0 back in a ready cluster of three", async () => JSON.stringify(await sandbox.clusterStatus(0)) === JSON.stringify({ status: "ready", peers: REPLICAS }), WAIT_MS);
  await pause(QUIET_MS);
  expect(ours()).toEqual([expectedEmail(sandbox.cfg, ALERT, "firing"), expectedEmail(sandbox.cfg, ALERT, "resolved")]);
});
