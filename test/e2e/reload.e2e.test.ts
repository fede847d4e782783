/**
 * New rules and routing go live without a restart: the files change as the kubelet swaps a mounted ConfigMap or
 * Secret (`..data`, see tools/sandbox/volume.ts) and the real config reloader (prometheus-config-reloader, with the
 * arguments the stack renders for its sidecar) makes the running servers reload them. Proven on what a restart loses:
 * a firing alert is not notified again, a silence made by hand survives, rule evaluation has no gap; and a refused
 * configuration leaves the old one working and raises the reload-failed alert.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse, stringify } from "yaml";

import { WATCHDOG } from "../../alerts/pipeline";
import { EXPECTED_ALERTS, NOTIFIED_ALERTS } from "../../tools/sandbox/scenarios";
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { ROOT } from "../../tools/engine/program";
import { sumSeries } from "../../tools/verify/exposition";
import { emailsOf } from "./expectations";
import { firingExactly, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ENVIRONMENT = "e2e-reload";
const SCENARIO = "webhook-failures";
const [ALERT] = NOTIFIED_ALERTS[SCENARIO];
const NEW_RECIPIENT = "platform-oncall@rsolv.dev";

let sandbox: Sandbox;
/** The longest time between two evaluations of a rule group across a rules change, by how it went live. */
const gapSeconds: { reload?: number; restart?: number } = {};

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: [ENVIRONMENT] });
  await waitForTraffic(sandbox, [ENVIRONMENT]);
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
});

const metric = async (url: string, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> => sumSeries(await (await fetch(`${url}/metrics`)).text(), name, labels);
const startTime = (url: string): Promise<number> => metric(url, "process_start_time_seconds");
const emailsFor = (alert: string) => emailsOf(sandbox.smtp.emails, ENVIRONMENT).filter((email) => email.subject.includes(alert) && !email.subject.startsWith("[RESOLVED]"));
const liveConfig = async (): Promise<string> => ((await (await fetch(`${sandbox.alertmanagerUrl}/api/v2/status`)).json()) as { config: { original: string } }).config.original;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a routing change while an alert fires: reloaded in place, the alert is not emailed again, a silence made by hand survives", async () => {
  // GIVEN an alert firing and emailed once, and a silence an on-call made in Alertmanager's UI
  await sandbox.setScenario(ENVIRONMENT, SCENARIO);
  await waitFor(`${ALERT} firing`, () => firingExactly(sandbox, ENVIRONMENT, [...EXPECTED_ALERTS[SCENARIO], WATCHDOG].sort()), WAIT_MS);
  await waitFor(`${ALERT}'s email`, () => emailsFor(ALERT).length === 1, WAIT_MS);
  const silence = await fetch(`${sandbox.alertmanagerUrl}/api/v2/silences`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      matchers: [{ name: "alertname", value: "DatabaseMigrationNoise", isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3600_000).toISOString(),
      createdBy: "on-call",
      comment: "made by hand during a migration",
    }),
  });
  const { silenceID } = (await silence.json()) as { silenceID: string };
  const startedAt = await startTime(sandbox.alertmanagerUrl);

  // WHEN the owner's next render changes the routing and the kubelet swaps the new files in
  const changed = await sandbox.render(ENVIRONMENT, { otherAlertsRecipients: JSON.stringify([NEW_RECIPIENT]) });
  expect(changed.alertmanager!.config).toContain(NEW_RECIPIENT);
  await sandbox.updateAlertmanager(changed.alertmanager!);

  // THEN the running Alertmanager has the new routing, and kept what a restart would lose
  expect(await sandbox.reloadSucceeded("alertmanager")).toEqual([true]);
  expect(await liveConfig()).toContain(NEW_RECIPIENT);
  expect(await startTime(sandbox.alertmanagerUrl)).toBe(startedAt);
  const silences = (await (await fetch(`${sandbox.alertmanagerUrl}/api/v2/silences`)).json()) as { id: string; status: { state: string } }[];
  expect(silences.find((candidate) => candidate.id === silenceID)?.status.state).toBe("active");
  // Past a group wait and two group intervals (2 s, 4 s in the test profile): a fresh notification log would have
  // sent the alert again by now; the repeat interval (hours) has not passed.
  await sleep(12_000);
  expect(emailsFor(ALERT)).toHaveLength(1);
});

test("the same routing change by a restart without a volume (configReload: restart, no PersistentVolume): the alert is emailed again, the silence is gone", async () => {
  const silenced = (await (await fetch(`${sandbox.alertmanagerUrl}/api/v2/silences`)).json()) as { status: { state: string } }[];
  expect(silenced.filter((silence) => silence.status.state === "active")).toHaveLength(1);
  await sandbox.restartAlertmanagerWithoutStorage(0);

  // Prometheus re-sends the firing alert (every 5 s in the sandbox); an empty notification log notifies it anew.
  await waitFor(`${ALERT} emailed a second time`, () => emailsFor(ALERT).length === 2, WAIT_MS);
  expect(await (await fetch(`${sandbox.alertmanagerUrl}/api/v2/silences`)).json()).toEqual([]);
});

test("a rules change: Prometheus reloads in place, its rule groups keep being evaluated every interval", async () => {
  const interval = sandbox.cfg.ruleEvaluationInterval.seconds;
  const startedAt = await startTime(sandbox.prometheusUrl);
  const gaps = sampleEvaluationGaps();

  const changed = await sandbox.render(ENVIRONMENT, { paymentFailureWarningRatio: "0.2" });
  await sandbox.updateRules(ENVIRONMENT, changed.ruleFile);
  await waitFor("the changed threshold in the loaded rules", async () => JSON.stringify(await (await fetch(`${sandbox.prometheusUrl}/api/v1/rules`)).json()).includes("0.2"), WAIT_MS);
  await sleep(4 * interval * 1000);
  const longest = await gaps.stop();

  expect(await startTime(sandbox.prometheusUrl)).toBe(startedAt);
  // One interval between evaluations, with scheduling slack; a restart leaves several seconds.
  expect(longest).toBeLessThanOrEqual(interval * 1.5);
  gapSeconds.reload = longest;
});

test("the same measure on a restart (configReload: restart): evaluation stops for longer than an interval", async () => {
  const interval = sandbox.cfg.ruleEvaluationInterval.seconds;
  const gaps = sampleEvaluationGaps();
  await sleep(2 * interval * 1000);
  await sandbox.restartPrometheus();
  await sleep(4 * interval * 1000);
  const longest = await gaps.stop();

  expect(longest).toBeGreaterThan(interval * 1.5);
  gapSeconds.restart = longest;
  writeGaps(interval);
});

test("a refused Alertmanager configuration: the old one keeps running, and AlertmanagerConfigReloadFailed fires", async () => {
  const good = sandbox.rendered.get(ENVIRONMENT)!.alertmanager!;
  const before = await liveConfig();
  // A configuration Alertmanager refuses: its root route names a receiver it does not define.
  const document = parse(good.config) as { route: { receiver: string } };
  document.route.receiver = "no-such-receiver";
  const refused = { ...good, config: stringify(document) };
  await sandbox.updateAlertmanager(refused);

  expect(await sandbox.reloadSucceeded("alertmanager")).toEqual([false]);
  expect(await liveConfig()).toBe(before);
  await waitFor("AlertmanagerConfigReloadFailed firing", async () => (await sandbox.firing(ENVIRONMENT)).includes("AlertmanagerConfigReloadFailed"), WAIT_MS);

  await sandbox.updateAlertmanager(good);
  expect(await sandbox.reloadSucceeded("alertmanager")).toEqual([true]);
});

/** Prints the two gaps side by side and writes them for `npm run bench`. */
function writeGaps(intervalSeconds: number): void {
  process.stdout.write(`\nlongest time between rule evaluations across a rules change (interval ${intervalSeconds} s): reload ${gapSeconds.reload?.toFixed(2)} s, restart ${gapSeconds.restart?.toFixed(2)} s\n`);
  const out = path.join(ROOT, ".tmp", "bench");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "e2e-reload-gap.json"), `${JSON.stringify({ measuredAt: new Date().toISOString(), intervalSeconds, ...gapSeconds }, null, 2)}\n`);
}

/**
 * Samples every rule group's last evaluation time from Prometheus' own metrics every 100 ms; `stop` gives the
 * longest time between two successive evaluations of any group, in seconds.
 */
function sampleEvaluationGaps(): { stop(): Promise<number> } {
  const seen = new Map<string, number>();
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const text = await (await fetch(`${sandbox.prometheusUrl}/metrics`)).text();
        for (const match of text.matchAll(/^prometheus_rule_group_last_evaluation_timestamp_seconds\{rule_group="([^"]+)"\} (\S+)$/gm)) {
          const [, group, value] = match;
          const at = Number(value);
          const previous = seen.get(group);
          if (at > 0 && previous !== undefined && at > previous) longest = Math.max(longest, at - previous);
          if (at > 0) seen.set(group, at);
        }
      } catch {
        // Prometheus down (the restart): the gap shows in the next evaluation time.
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return longest;
    },
  };
}
