/**
 * Every scenario at once, each in its own environment of one shared sandbox (real Prometheus, Alertmanager and SMTP
 * on the rules and configuration the stack deploys under the test profile): exactly the expected alerts fire,
 * exactly the expected emails arrive and resolve, the Watchdog keeps reaching the heartbeat sink and never email,
 * and every dashboard panel query returns data. Times from switch to email are written to .tmp/bench/.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { alertRules, buildRuleGroups } from "../../alerts";
import { INTEGRATIONS } from "../../alerts/integrations";
import { WATCHDOG } from "../../alerts/pipeline";
import { durationFromSeconds } from "../../common/duration";
import { atLeast } from "../../config/releases";
import { billingDashboard } from "../../dashboards/billing";
import { SYNTHETIC_METRICS } from "../../promql/metrics";
import { select } from "../../promql/index";
import { profileConfig } from "../../tools/sandbox/profile";
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { EXPECTED_ALERTS, NOTIFIED_ALERTS, SCENARIOS, type ScenarioName } from "../../tools/sandbox/scenarios";
import { ROOT } from "../../tools/engine/program";
import { serverVersion } from "../../tools/servers";
import { emailsOf, expectedEmail, expectedNonPagingEmail, sorted, type EmailSummary } from "./expectations";
import { firingExactly, WAIT_MS, waitForTraffic } from "./sandbox-helpers";

const ALERTING = SCENARIOS.filter((scenario) => scenario !== "healthy");
const environmentOf = (scenario: ScenarioName): string => `e2e-${scenario}`;
/** Stays healthy throughout: nothing but the Watchdog may ever fire there. */
const CONTROL = environmentOf("healthy");
/** Runs as staging does: its alerts go to the non-paging receiver, and production's configuration routes it. */
const STAGING = "e2e-staging";
const STAGING_SCENARIO: ScenarioName = "payment-failures-critical";
const ENVIRONMENTS = [CONTROL, ...ALERTING.map(environmentOf), STAGING];

const cfg = profileConfig();

let sandbox: Sandbox;
const startedAt = Date.now();

beforeAll(async () => {
  sandbox = await Sandbox.start({ environments: ENVIRONMENTS, nonPaging: [STAGING] });
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
});

/** The rule `for`, in seconds, of an alert, as the profile's rules set it. */
function forSeconds(alert: string): number {
  const rule = alertRules(buildRuleGroups(cfg)).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  return rule.for.seconds;
}

const expectedFiring = (scenario: ScenarioName): string[] => [...EXPECTED_ALERTS[scenario], WATCHDOG].sort();

test("each scenario fires exactly its alerts and emails exactly its recipients, and resolves when healthy again", async () => {
  // GIVEN every environment scraped, with traffic
  await waitForTraffic(sandbox, ENVIRONMENTS);

  // WHEN each environment switches to its scenario
  const switchedAt = new Map<string, number>();
  await Promise.all(
    ALERTING.map(async (scenario) => {
      switchedAt.set(environmentOf(scenario), Date.now());
      await sandbox.setScenario(environmentOf(scenario), scenario);
    }),
  );

  // THEN in each environment exactly its alerts fire and its emails arrive; WHEN it returns to healthy, THEN its
  // incidents resolve by email. Environments go through this side by side, each at its own pace.
  const emailAt = new Map<string, number>();
  const expectedInTotal = (scenario: ScenarioName): EmailSummary[] => {
    // The critical payment incident de-escalates through the warning level, which notifies the warning it inhibited.
    const notified = scenario === "payment-failures-critical" ? [...NOTIFIED_ALERTS[scenario], "BillingPaymentFailureRateHigh"] : NOTIFIED_ALERTS[scenario];
    return notified.flatMap((alert) => [expectedEmail(cfg, alert, "firing"), expectedEmail(cfg, alert, "resolved")]);
  };
  const runScenario = async (scenario: ScenarioName): Promise<void> => {
    const environment = environmentOf(scenario);
    await waitFor(`${environment}: firing exactly ${expectedFiring(scenario).join(", ")}`, () => firingExactly(sandbox, environment, expectedFiring(scenario)), WAIT_MS);
    const expected = NOTIFIED_ALERTS[scenario].map((alert) => expectedEmail(cfg, alert, "firing"));
    const first = await waitFor(`${environment}: a first email`, () => sandbox.smtp.emails.find((email) => emailsOf([email], environment).length > 0), WAIT_MS);
    emailAt.set(environment, first.receivedAt);
    await waitFor(`${environment}: emails ${expected.map((e) => e.subject).join(", ")}`, () => emailsOf(sandbox.smtp.emails, environment).length >= expected.length, WAIT_MS);
    expect(sorted(emailsOf(sandbox.smtp.emails, environment))).toEqual(sorted(expected));

    if (scenario === "payment-failures-critical") {
      await sandbox.setScenario(environment, "payment-failures-warning");
      await waitFor(`${environment}: the warning notified after the critical resolved`, () => emailsOf(sandbox.smtp.emails, environment).length >= 3, WAIT_MS);
    }
    await sandbox.setScenario(environment, "healthy");
    await waitFor(`${environment}: only the Watchdog firing`, () => firingExactly(sandbox, environment, [WATCHDOG]), WAIT_MS);
    await waitFor(`${environment}: resolved emails`, () => emailsOf(sandbox.smtp.emails, environment).length >= expectedInTotal(scenario).length, WAIT_MS);
  };
  // AND, while the scenarios run, every dashboard panel query returns data (on the control environment)
  const dashboardCheck = async (): Promise<void> => {
    await waitFor("a first email", () => sandbox.smtp.emails.length > 0, WAIT_MS);
    await expectEveryPanelQueryReturnsData();
  };
  // AND a staging outage mails only staging's recipients, once, its subject naming staging; nothing pages
  const stagingExpected = [expectedNonPagingEmail(cfg, STAGING, "BillingPaymentFailureRateCritical", "firing")];
  const runStaging = async (): Promise<void> => {
    await sandbox.setScenario(STAGING, STAGING_SCENARIO);
    await waitFor(`${STAGING}: firing exactly ${expectedFiring(STAGING_SCENARIO).join(", ")}`, () => firingExactly(sandbox, STAGING, expectedFiring(STAGING_SCENARIO)), WAIT_MS);
    await waitFor(`${STAGING}: an email`, () => emailsOf(sandbox.smtp.emails, STAGING).length > 0, WAIT_MS);
    expect(emailsOf(sandbox.smtp.emails, STAGING)).toEqual(stagingExpected);
    // De-escalating through the warning, as production's critical scenario does, so the warning's email is certain.
    await sandbox.setScenario(STAGING, "payment-failures-warning");
    await waitFor(`${STAGING}: the warning notified after the critical resolved`, () => emailsOf(sandbox.smtp.emails, STAGING).length >= 3, WAIT_MS);
    await sandbox.setScenario(STAGING, "healthy");
    await waitFor(`${STAGING}: only the Watchdog firing`, () => firingExactly(sandbox, STAGING, [WATCHDOG]), WAIT_MS);
    await waitFor(`${STAGING}: the resolved emails`, () => emailsOf(sandbox.smtp.emails, STAGING).length >= 4, WAIT_MS);
  };
  await Promise.all([...ALERTING.map(runScenario), runStaging(), dashboardCheck()]);
  expect(sorted(emailsOf(sandbox.smtp.emails, STAGING))).toEqual(
    sorted(["BillingPaymentFailureRateCritical", "BillingPaymentFailureRateHigh"].flatMap((alert) => [expectedNonPagingEmail(cfg, STAGING, alert, "firing"), expectedNonPagingEmail(cfg, STAGING, alert, "resolved")])),
  );

  for (const scenario of ALERTING) {
    expect({ environment: environmentOf(scenario), emails: sorted(emailsOf(sandbox.smtp.emails, environmentOf(scenario))) }).toEqual({
      environment: environmentOf(scenario),
      emails: sorted(expectedInTotal(scenario)),
    });
  }
  expect(emailsOf(sandbox.smtp.emails, CONTROL)).toEqual([]);
  expect(sandbox.smtp.emails.filter((email) => email.subject.includes(WATCHDOG))).toEqual([]);

  // AND over the whole run Prometheus fired exactly the expected alerts (ALERTS keeps even short-lived ones)
  const seconds = Math.ceil((Date.now() - startedAt) / 1000);
  const everFired = await sandbox.query(`max by (environment, alertname) (max_over_time(${select(SYNTHETIC_METRICS.alerts, { alertstate: "firing" })}[${seconds}s]))`);
  const fired = (environment: string): string[] => everFired.filter((s) => s.metric.environment === environment).map((s) => s.metric.alertname).sort();
  for (const scenario of SCENARIOS) {
    expect({ environment: environmentOf(scenario), fired: fired(environmentOf(scenario)) }).toEqual({ environment: environmentOf(scenario), fired: expectedFiring(scenario) });
  }
  expect(fired(STAGING)).toEqual(expectedFiring(STAGING_SCENARIO));
  expect(sandbox.webhooks.received("heartbeat").filter((post) => (post.body as { commonLabels: Record<string, string> }).commonLabels.environment === STAGING)).toEqual([]);

  // AND the Watchdog reached the heartbeat sink for every environment, without a gap, from start to end
  const heartbeatRepeat = cfg.heartbeatRepeatInterval.seconds * 1000;
  // (Staging's Watchdog goes nowhere: the heartbeat is production's alone.)
  for (const environment of ENVIRONMENTS.filter((name) => name !== STAGING)) {
    const times = sandbox.webhooks
      .received("heartbeat")
      .filter((post) => (post.body as { commonLabels: Record<string, string> }).commonLabels.environment === environment)
      .map((post) => post.receivedAt);
    const gaps = times.slice(1).map((time, i) => time - times[i]);
    expect({ environment, heartbeats: times.length > 0, longestGapWithinThreeRepeats: Math.max(0, ...gaps) <= 3 * heartbeatRepeat, lastIsRecent: Date.now() - times[times.length - 1] <= 3 * heartbeatRepeat }).toEqual({
      environment,
      heartbeats: true,
      longestGapWithinThreeRepeats: true,
      lastIsRecent: true,
    });
  }

  // AND warnings also went to Slack and criticals paged PagerDuty, once per email
  const slackTitles = sandbox.webhooks.received("slack").map((post) => (post.body as { attachments: { title: string }[] }).attachments[0].title).sort();
  const warningSubjects = sandbox.smtp.emails.map((email) => email.subject).filter((subject) => subject.includes("BILLING WARNING")).sort();
  expect(slackTitles).toEqual(warningSubjects);
  const pagerdutyActions = sandbox.webhooks.received("pagerduty").map((post) => (post.body as { event_action: string }).event_action).sort();
  const criticalEmails = sandbox.smtp.emails.filter((email) => email.subject.includes("CRITICAL BILLING ALERT"));
  expect(pagerdutyActions).toEqual([...criticalEmails.map((email) => (email.subject.startsWith("[RESOLVED]") ? "resolve" : "trigger"))].sort());
  // AND every integration the release runs got one post per email of its severity (alerts/integrations.ts)
  const emailCount = { critical: criticalEmails.length, warning: warningSubjects.length, info: sandbox.smtp.emails.filter((email) => email.subject.includes("Billing Info")).length };
  for (const integration of INTEGRATIONS.filter((i) => i.alertmanagerRelease === undefined || atLeast(serverVersion("alertmanager"), i.alertmanagerRelease))) {
    expect({ integration: integration.name, posts: sandbox.webhooks.received(integration.sandbox.sink).length }).toEqual({ integration: integration.name, posts: emailCount[integration.severity] });
  }

  reportLatencies(switchedAt, emailAt);
});

/** Every panel query, Grafana variables substituted, returns at least one series from this Prometheus. */
async function expectEveryPanelQueryReturnsData(): Promise<void> {
  const dashboard = JSON.parse(JSON.stringify(billingDashboard(profileConfig(CONTROL)))) as { panels: Panel[] };
  interface Panel {
    title?: string;
    targets?: { expr: string }[];
    panels?: Panel[];
  }
  const queries = (panels: Panel[]): { title: string; expr: string }[] =>
    panels.flatMap((panel) => [...(panel.targets ?? []).map((target) => ({ title: panel.title ?? "", expr: target.expr })), ...queries(panel.panels ?? [])]);
  // Grafana's $__rate_interval is at least 4 scrape intervals; $__range the dashboard's time range (the run so far).
  const substitute = (expr: string): string =>
    expr
      .replaceAll("$__rate_interval", durationFromSeconds(4 * cfg.scrapeInterval.seconds).text)
      .replaceAll("$__range", durationFromSeconds(Math.ceil((Date.now() - startedAt) / 1000)).text)
      .replaceAll("$plan", ".*")
      .replaceAll("$customer_id", ".*");
  const all = queries(dashboard.panels);
  expect(all.length).toBeGreaterThan(0);
  const empty: string[] = [];
  for (const { title, expr } of all) if ((await sandbox.query(substitute(expr))).length === 0) empty.push(`${title}: ${substitute(expr)}`);
  expect(empty).toEqual([]);
}

/** Prints each scenario's time from switch to first email beside its bound, and writes them for a later benchmark. */
function reportLatencies(switchedAt: Map<string, number>, emailAt: Map<string, number>): void {
  const { scrapeInterval, ruleEvaluationInterval } = cfg;
  const rows = ALERTING.map((scenario) => {
    const environment = environmentOf(scenario);
    const alert = NOTIFIED_ALERTS[scenario][0];
    const components = { for: forSeconds(alert), scrape: scrapeInterval.seconds, evaluation: ruleEvaluationInterval.seconds, groupWait: cfg.groupWait.seconds };
    const boundSeconds = components.for + components.scrape + components.evaluation + components.groupWait;
    const measuredSeconds = Number(((emailAt.get(environment)! - switchedAt.get(environment)!) / 1000).toFixed(1));
    return { scenario, alert, measuredSeconds, boundSeconds, components };
  });
  const table = rows.map((r) => `  ${r.scenario.padEnd(27)} ${r.alert.padEnd(37)} ${String(r.measuredSeconds).padStart(6)} s   bound ${String(r.boundSeconds).padStart(3)} s`).join("\n");
  process.stdout.write(`\nscenario switch → email (bound = for + scrape + evaluation + group wait; ratio and quantile alerts also fill their window first):\n${table}\n`);
  const out = path.join(ROOT, ".tmp", "bench");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "e2e-switch-to-email.json"), `${JSON.stringify({ measuredAt: new Date().toISOString(), profile: "tools/sandbox/profile.ts", rows }, null, 2)}\n`);
}
