/**
 * What amtool cannot evaluate: inhibition, on the real Alertmanager 0.25 binary, and business hours at chosen
 * instants, with the evaluator in test/helpers (no binary answers "at this instant"). Alerts carry the labels the
 * deployed rule file gives them.
 */
import { mountedAlertmanagerConfig, removeMounted, type MountedConfig } from "../helpers/alertmanager-config";
import { inTimeInterval, matchingRoutes, notifiedRoutes, type Labels } from "../helpers/alertmanager-semantics";
import { AlertmanagerServer } from "../helpers/alertmanager-server";
import { routeReceivers } from "../helpers/amtool";
import { alerts, deployedRuleFile, ruleFileOf, type RuleFile } from "../helpers/rule-file";

/** The alert as Prometheus sends it: its rule's labels and its name (production's rule file unless another is given). */
function firing(mounted: MountedConfig, alertName: string, extra: Record<string, string> = {}, file: RuleFile = ruleFileOf(mounted.run).parsed): Labels {
  const rule = alerts(file).find((candidate) => candidate.alert === alertName);
  if (!rule) throw new Error(`the rule file has no alert ${alertName}`);
  return { alertname: alertName, ...rule.labels, ...extra };
}

const names = (list: readonly Labels[]): string[] => list.map((labels) => `${labels.alertname}@${labels.environment}`).sort();

// The production stack's configuration routes both environments; each rule file labels its alerts with its own.
describe.each(["staging", "production"])("on the %s rule file, the evaluator agrees with amtool on routing", (stack) => {
  let mounted: MountedConfig;
  let file: RuleFile;
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
    file = (await deployedRuleFile(stack)).parsed;
  });
  afterAll(() => removeMounted(mounted));

  it("GIVEN every alert of the rule file WHEN routed by the evaluator and by amtool THEN both name the same receivers", () => {
    for (const rule of alerts(file)) {
      const labels = firing(mounted, rule.alert!, {}, file);
      expect({ alert: rule.alert, receivers: matchingRoutes(mounted.parsed.route, labels).map((route) => route.receiver) }).toEqual({
        alert: rule.alert,
        receivers: routeReceivers(mounted.configFile, labels),
      });
    }
  });
});

/**
 * Posts alerts to the Alertmanager and returns those it inhibits, once it holds them all and its inhibitor has seen
 * the sources (it learns of them asynchronously): polled until `expected` or, bounded, for a second after all arrive.
 */
async function inhibitedBy(server: AlertmanagerServer, posted: readonly Labels[], expected: readonly string[]): Promise<string[]> {
  await server.post(posted);
  const ours = (labels: Labels) => posted.some((p) => JSON.stringify(Object.entries(p).sort()) === JSON.stringify(Object.entries(labels).sort()));
  let suppressed: string[] = [];
  let settledSince: number | undefined;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const statuses = (await server.alerts()).filter((status) => ours(status.labels));
    suppressed = names(statuses.filter((status) => status.inhibitedBy.length > 0 && status.state === "suppressed").map((status) => status.labels));
    if (statuses.length < posted.length) continue;
    settledSince ??= Date.now();
    if (JSON.stringify(suppressed) === JSON.stringify(expected) && Date.now() - settledSince >= 1_000) break;
  }
  return suppressed;
}

describe("inhibition in the production stack, on the real Alertmanager", () => {
  let mounted: MountedConfig;
  let server: AlertmanagerServer | undefined;
  // Each case its own environments (production-1, staging-1, …): every inhibit rule is equal on the environment,
  // so the alerts of one case cannot inhibit another's while they stay active.
  let caseNumber = 0;
  const alert = (name: string, extra: Record<string, string> = {}): Labels => {
    const labels = firing(mounted, name, extra);
    return { ...labels, environment: `${labels.environment}-${caseNumber}` };
  };
  const named = (list: readonly string[]) => list.map((name) => name.replace(/-\d+$/, ""));
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
    server = await AlertmanagerServer.start(mounted.configFile);
  });
  beforeEach(() => {
    caseNumber += 1;
  });
  afterAll(async () => {
    await server?.stop();
    removeMounted(mounted);
  });

  it("GIVEN the payment failure critical firing WHEN inhibition applies THEN only the payment warning of the same environment is suppressed", async () => {
    const posted = [
      alert("BillingPaymentFailureRateCritical"),
      alert("BillingPaymentFailureRateHigh"),
      // The same family firing in another environment (its Prometheus labels it so).
      alert("BillingPaymentFailureRateHigh", { environment: "staging" }),
      alert("StripeWebhookFailureRateHigh"),
      alert("SubscriptionCancellationRateHigh"),
    ];
    const expected = [`BillingPaymentFailureRateHigh@production-${caseNumber}`];
    expect(named(await inhibitedBy(server!, posted, expected))).toEqual(["BillingPaymentFailureRateHigh@production"]);
  });

  it("GIVEN the payment warning alone WHEN inhibition applies THEN nothing is suppressed", async () => {
    expect(await inhibitedBy(server!, [alert("BillingPaymentFailureRateHigh"), alert("StripeWebhookFailureRateHigh")], [])).toEqual([]);
  });

  it("GIVEN BillingMetricsAbsent (critical, no family) and family-less warnings WHEN inhibition applies THEN only StripeWebhooksStalled is suppressed", async () => {
    const posted = [alert("BillingMetricsAbsent"), alert("StripeWebhooksStalled"), alert("StripeWebhooksStalled", { environment: "staging" }), alert("StripeWebhookFailureRateHigh"), alert("SubscriptionCancellationRateHigh")];
    const expected = [`StripeWebhooksStalled@production-${caseNumber}`];
    expect(named(await inhibitedBy(server!, posted, expected))).toEqual(["StripeWebhooksStalled@production"]);
  });
});

describe("failing email stops the heartbeat, on the real Alertmanager (heartbeat URL set)", () => {
  let mounted: MountedConfig;
  let server: AlertmanagerServer | undefined;
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production", { secrets: { heartbeatUrl: "https://heartbeat.example/ping/test-only-heartbeat-path" }, config: { alertmanagerVersion: "0.26" } });
    server = await AlertmanagerServer.start(mounted.configFile);
  });
  afterAll(async () => {
    await server?.stop();
    removeMounted(mounted);
  });

  it("GIVEN AlertmanagerNotificationsFailing for email in production WHEN posted beside both Watchdogs THEN only production's Watchdog is suppressed, so its heartbeat stops", async () => {
    const posted = [firing(mounted, "AlertmanagerNotificationsFailing", { integration: "email" }), firing(mounted, "Watchdog"), firing(mounted, "Watchdog", { environment: "staging" })];
    expect(await inhibitedBy(server!, posted, ["Watchdog@production"])).toEqual(["Watchdog@production"]);
  });

  it("GIVEN AlertmanagerNotificationsFailing for Slack WHEN posted beside a Watchdog THEN nothing is suppressed (email tells it)", async () => {
    const posted = [firing(mounted, "AlertmanagerNotificationsFailing", { integration: "slack", environment: "production-slack" }), firing(mounted, "Watchdog", { environment: "production-slack" })];
    expect(await inhibitedBy(server!, posted, [])).toEqual([]);
  });
});

describe("inhibition stays inside one environment, on the real Alertmanager", () => {
  let mounted: MountedConfig;
  let server: AlertmanagerServer | undefined;
  let staging: RuleFile;
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
    staging = (await deployedRuleFile("staging")).parsed;
    server = await AlertmanagerServer.start(mounted.configFile);
  });
  afterAll(async () => {
    await server?.stop();
    removeMounted(mounted);
  });

  it("GIVEN a staging critical and a production warning of one family, and the reverse, WHEN posted THEN Alertmanager 0.25 inhibits none of them", async () => {
    const posted = [
      firing(mounted, "BillingPaymentFailureRateCritical", { namespace: "rsolv-staging" }, staging),
      firing(mounted, "BillingPaymentFailureRateHigh", { namespace: "rsolv-production" }),
      firing(mounted, "BillingMetricsAbsent", { namespace: "rsolv-production" }),
      firing(mounted, "StripeWebhooksStalled", { namespace: "rsolv-staging" }, staging),
    ];
    expect(posted.map((labels) => labels.environment)).toEqual(["staging", "production", "production", "staging"]);
    expect(await inhibitedBy(server!, posted, [])).toEqual([]);
  });
});

describe("business hours for StripeWebhooksStalled", () => {
  describe("in the production stack (default zone UTC, Monday to Friday 09:00 to 17:00)", () => {
    let mounted: MountedConfig;
    beforeAll(async () => {
      mounted = await mountedAlertmanagerConfig("production");
    });
    afterAll(() => removeMounted(mounted));

    // 2026-11-25 is a Wednesday, 2026-11-28 a Saturday.
    it.each([
      ["Wednesday 10:00", "2026-11-25T10:00:00Z", ["billing-info"]],
      ["Wednesday 09:00 (start, inclusive)", "2026-11-25T09:00:00Z", ["billing-info"]],
      ["Wednesday 16:59", "2026-11-25T16:59:00Z", ["billing-info"]],
      ["Wednesday 17:00 (end, exclusive)", "2026-11-25T17:00:00Z", []],
      ["Wednesday 20:00", "2026-11-25T20:00:00Z", []],
      ["Wednesday 08:59", "2026-11-25T08:59:00Z", []],
      ["Saturday 10:00", "2026-11-28T10:00:00Z", []],
    ])("GIVEN it fires on %s UTC (%s) WHEN notifications go out THEN it reaches %j", (_when, instant, receivers) => {
      const stalled = firing(mounted, "StripeWebhooksStalled");
      expect(notifiedRoutes(mounted.parsed, stalled, new Date(instant)).map((route) => route.receiver)).toEqual(receivers);
    });

    it("GIVEN an info alert other than StripeWebhooksStalled WHEN it fires on Saturday night THEN it is still sent (only the stall waits for business hours)", () => {
      const anomaly = firing(mounted, "BillingCreditGrantAnomalyDetected");
      expect(notifiedRoutes(mounted.parsed, anomaly, new Date("2026-11-28T23:00:00Z")).map((route) => route.receiver)).toEqual(["billing-info"]);
    });
  });

  describe("in a stack with businessHoursTimezone Europe/Berlin, across the change to summer time", () => {
    let mounted: MountedConfig;
    beforeAll(async () => {
      mounted = await mountedAlertmanagerConfig("production", { config: { businessHoursTimezone: "Europe/Berlin" } });
    });
    afterAll(() => removeMounted(mounted));

    it("GIVEN the rendered time interval WHEN read THEN it carries the zone", () => {
      expect(mounted.parsed.time_intervals[0].time_intervals.map((entry) => entry.location)).toEqual(["Europe/Berlin"]);
    });

    // Berlin is UTC+1 until 2026-03-29 02:00 local, UTC+2 after. 2026-03-23 and 2026-03-30 are Mondays.
    it.each([
      ["Monday before the change, 07:00 UTC = 08:00 CET", "2026-03-23T07:00:00Z", false],
      ["Monday before the change, 08:00 UTC = 09:00 CET", "2026-03-23T08:00:00Z", true],
      ["Monday before the change, 15:59 UTC = 16:59 CET", "2026-03-23T15:59:00Z", true],
      ["Monday before the change, 16:00 UTC = 17:00 CET", "2026-03-23T16:00:00Z", false],
      ["Monday after the change, 07:00 UTC = 09:00 CEST", "2026-03-30T07:00:00Z", true],
      ["Monday after the change, 15:00 UTC = 17:00 CEST", "2026-03-30T15:00:00Z", false],
      ["Friday 22:30 UTC = Friday 23:30 CET", "2026-01-16T22:30:00Z", false],
      ["Sunday 23:30 UTC = Monday 00:30 CET", "2026-01-18T23:30:00Z", false],
      ["Saturday 10:00 CEST", "2026-07-18T08:00:00Z", false],
    ])("GIVEN %s (%s) WHEN business hours are evaluated THEN active is %s", (_when, instant, active) => {
      expect(inTimeInterval(mounted.parsed, "business-hours", new Date(instant))).toBe(active);
      const stalled = firing(mounted, "StripeWebhooksStalled");
      expect(notifiedRoutes(mounted.parsed, stalled, new Date(instant)).length).toBe(active ? 1 : 0);
    });
  });
});
