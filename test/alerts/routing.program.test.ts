/**
 * The one Alertmanager configuration, which the production stack deploys for both environments, checked by
 * Alertmanager's own code (amtool, the current release; the oldest supported one checks that it loads): it loads, every alert of both stacks' rule files reaches exactly the
 * receivers intended for its environment (production: the operations write-up's, by severity; staging: the
 * non-paging receiver only), and every severity does. Expectations come from the write-up and the issues, not from
 * routing.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { type AlertmanagerConfig, BILLING_RECEIVER_NAMES, type EmailConfig, OTHER_ALERTS_RECEIVER, type Receiver, type Route } from "../../alerts/routing";
import { INTEGRATIONS, RELEASE_FEATURES } from "../../alerts/integrations";
import { parseConfig } from "../../config";
import { mountedAlertmanagerConfig, removeMounted, writeVariant, type MountedConfig } from "../helpers/alertmanager-config";
import { matchingRoutes } from "../helpers/alertmanager-semantics";
import type { Release } from "../../tools/servers";
import { checkConfig, routeReceivers, verifyReceivers } from "../helpers/amtool";
import { alerts, deployedRuleFile, ruleFileOf } from "../helpers/rule-file";
import { integrationsOn, TEST_SECRETS, TEST_SETTINGS, type Overrides } from "../helpers/stack";

const HEARTBEAT_URL = "https://heartbeat.example/ping/test-only-heartbeat-path";


/** Both ends of the supported range: every variant must load on each. */
const RELEASES: readonly Release[] = ["current", "oldest"];

/** The ways a stack can be set up that change the configuration's shape. */
const VARIANTS: Readonly<Record<string, Overrides>> = {
  "email only (the default)": {},
  // With the release the newest of them needs declared, when it is newer than the oldest supported (which then refuses it).
  "every integration on": integrationsOn(),
  "heartbeat on (configuration in the Secret)": { secrets: { heartbeatUrl: HEARTBEAT_URL } },
  "heartbeat on, Alertmanager 0.26 declared (its URL read from a file)": { secrets: { heartbeatUrl: HEARTBEAT_URL }, config: { alertmanagerVersion: "0.26" } },
  "server-token login (configuration in the Secret)": { config: { smtpLogin: "server-token", smtpUsername: undefined } },
};

/** From the operations write-up: who is emailed per severity, and how often a firing alert is repeated. */
const SEED_ROUTING = {
  critical: { receiver: "billing-critical", to: "admin@rsolv.dev, billing-oncall@rsolv.dev", repeat: "2h" },
  warning: { receiver: "billing-warning", to: "admin@rsolv.dev, alerts@rsolv.dev", repeat: "4h" },
  info: { receiver: "billing-info", to: "alerts@rsolv.dev", repeat: "12h" },
} as const;
const DEFAULT_RECEIVER = "billing-default";
const HEARTBEAT_RECEIVER = "heartbeat";
/** Staging's alerts, every severity: alerts@ only, once a day. */
const NON_PAGING = { receiver: "billing-non-paging", to: "alerts@rsolv.dev", repeat: "24h", watchdog: "non-paging-watchdog" } as const;

/**
 * Where an alert must land, by the environment on its labels: the seed's alerts as the table below says, an alert
 * added since by its own severity (each severity has its receiver).
 */
function expectedReceiver(alert: string, severity: string | undefined, environment: string): string {
  if (environment === "production") return EXPECTED_RECEIVER_BY_ALERT[alert] ?? SEED_ROUTING[severity as keyof typeof SEED_ROUTING].receiver;
  return alert === "Watchdog" ? NON_PAGING.watchdog : NON_PAGING.receiver;
}

/** The seed's alerts and where each must land: the write-up's severities, the Watchdog to the heartbeat. */
const EXPECTED_RECEIVER_BY_ALERT: Readonly<Record<string, string>> = {
  BillingPaymentFailureRateHigh: SEED_ROUTING.warning.receiver,
  BillingPaymentFailureRateCritical: SEED_ROUTING.critical.receiver,
  StripeWebhookFailureRateHigh: SEED_ROUTING.warning.receiver,
  StripeWebhookProcessingDurationHigh: SEED_ROUTING.warning.receiver,
  StripeWebhooksStalled: SEED_ROUTING.info.receiver,
  SubscriptionCancellationRateHigh: SEED_ROUTING.warning.receiver,
  BillingCreditGrantAnomalyDetected: SEED_ROUTING.info.receiver,
  BillingMetricsAbsent: SEED_ROUTING.critical.receiver,
  Watchdog: HEARTBEAT_RECEIVER,
  // SLO pages are critical, tickets warnings.
  BillingPaymentSuccessErrorBudgetBurnPage: SEED_ROUTING.critical.receiver,
  BillingPaymentSuccessErrorBudgetBurnTicket: SEED_ROUTING.warning.receiver,
  StripeWebhookLatencyErrorBudgetBurnPage: SEED_ROUTING.critical.receiver,
  StripeWebhookLatencyErrorBudgetBurnTicket: SEED_ROUTING.warning.receiver,
  BillingApiLatencyErrorBudgetBurnPage: SEED_ROUTING.critical.receiver,
  BillingApiLatencyErrorBudgetBurnTicket: SEED_ROUTING.warning.receiver,
  // The alerting pipeline (without an integration label; email failing has its own route, tested below).
  AlertmanagerNotificationsFailing: SEED_ROUTING.critical.receiver,
  PrometheusRuleEvaluationFailures: SEED_ROUTING.critical.receiver,
  PrometheusAlertmanagerUnreachable: SEED_ROUTING.critical.receiver,
  PrometheusNotificationsDropped: SEED_ROUTING.warning.receiver,
  PrometheusNotificationQueueFull: SEED_ROUTING.warning.receiver,
  PrometheusConfigReloadFailed: SEED_ROUTING.warning.receiver,
  AlertmanagerConfigReloadFailed: SEED_ROUTING.warning.receiver,
};
/** Email failing: told by every other channel, not by email alone (issue 30). */
const EMAIL_FAILING_RECEIVER = "billing-email-failing";

/** A route and every route below it. */
const allRoutes = (route: Route): Route[] => [route, ...(route.routes ?? []).flatMap(allRoutes)];

const receiver = (config: AlertmanagerConfig, name: string): Receiver => {
  const found = config.receivers.find((r) => r.name === name);
  if (!found) throw new Error(`no receiver ${name}`);
  return found;
};

describe("Alertmanager routing of the configuration the production stack deploys for both environments", () => {
  const stack = "production";
  let stagingRules: ReturnType<typeof alerts>;
  beforeAll(async () => {
    stagingRules = alerts((await deployedRuleFile("staging")).parsed);
  });

  describe.each(Object.keys(VARIANTS))("set up with %s", (variant) => {
    let mounted: MountedConfig;
    beforeAll(async () => {
      mounted = await mountedAlertmanagerConfig(stack, VARIANTS[variant]);
    });
    afterAll(() => removeMounted(mounted));

    it.each(RELEASES)("GIVEN the deployed files mounted as in the pod WHEN amtool check-config of the %s release reads them THEN it passes if that release is at least the declared one", (release) => {
      const result = checkConfig(mounted.configFile, release);
      const declared = VARIANTS[variant].config?.alertmanagerVersion;
      if (release === "oldest" && declared !== undefined) {
        // Why the stack must know the release: a configuration written for a newer one is refused whole by an older one.
        expect({ status: result.status, refused: /field \S+ not found/.test(result.output) }).toEqual({ status: 1, refused: true });
        return;
      }
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
      expect(result.stdout).toContain("SUCCESS");
      // The password file the configuration names is the one the Secret mount provides.
      expect(fs.readFileSync(mounted.parsed.global.smtp_auth_password_file!, "utf8")).toBe(TEST_SECRETS.smtpPassword);
    });

    it.each(["production", "staging"])(
      "GIVEN each alert of both rule files labelled environment=%s WHEN amtool routes it THEN it reaches exactly that environment's receiver",
      (environment) => {
        const productionRules = alerts(ruleFileOf(mounted.run).parsed);
        for (const ruleAlerts of [productionRules, stagingRules]) {
          // Every alert of the table is still declared (a renamed one would leave its expectation unchecked).
          const declared = ruleAlerts.map((rule) => rule.alert);
          expect(Object.keys(EXPECTED_RECEIVER_BY_ALERT).filter((alert) => !declared.includes(alert))).toEqual([]);
          for (const rule of ruleAlerts) {
            const labels = { alertname: rule.alert!, ...rule.labels, environment };
            const expected = expectedReceiver(rule.alert!, rule.labels?.severity, environment);
            const result = verifyReceivers(mounted.configFile, labels, [expected]);
            expect({ alert: rule.alert, environment, status: result.status, stdout: result.stdout.trim() }).toEqual({ alert: rule.alert, environment, status: 0, stdout: expected });
          }
        }
        // Each rule file labels its alerts with its own environment.
        expect([...new Set(stagingRules.map((rule) => rule.labels?.environment))]).toEqual(["staging"]);
      },
    );

    it.each([
      ["no environment label", {}, DEFAULT_RECEIVER],
      ["an unknown environment", { environment: "qa" }, NON_PAGING.receiver],
    ])("GIVEN a critical alert with %s WHEN routed THEN it still reaches someone, and never pages", (_what, extra, expected) => {
      const labels = { alertname: "BillingPaymentFailureRateCritical", severity: "critical", team: "billing", ...extra };
      expect(routeReceivers(mounted.configFile, labels)).toEqual([expected]);
    });

    it("GIVEN the non-paging receiver WHEN read THEN it emails alerts@ only, once a day, with the environment in the subject, and never pages or posts", () => {
      const nonPaging = receiver(mounted.parsed, NON_PAGING.receiver);
      expect(Object.keys(nonPaging).sort()).toEqual(["email_configs", "name"]);
      expect(nonPaging.email_configs!.map((email) => [email.to, email.headers.Subject])).toEqual([[NON_PAGING.to, '{{ template "billing.subject.nonpaging" . }}']]);
      const routes = matchingRoutes(mounted.parsed.route, { alertname: "BillingPaymentFailureRateCritical", severity: "critical", team: "billing", environment: "staging" });
      expect(routes.map((route) => [route.receiver, route.repeat_interval])).toEqual([[NON_PAGING.receiver, NON_PAGING.repeat]]);
      expect(Object.keys(receiver(mounted.parsed, NON_PAGING.watchdog))).toEqual(["name"]);
    });

    it.each([
      ["critical", SEED_ROUTING.critical.receiver],
      ["warning", SEED_ROUTING.warning.receiver],
      ["info", SEED_ROUTING.info.receiver],
      ["page-me-maybe", DEFAULT_RECEIVER],
      ["", DEFAULT_RECEIVER],
    ])("GIVEN a new alert with severity %j WHEN amtool routes it THEN it reaches %s and nothing else", (severity, expected) => {
      const labels = { alertname: "SomeFutureBillingAlert", team: "billing", ...(severity ? { severity } : {}), environment: "production" };
      expect(routeReceivers(mounted.configFile, labels)).toEqual([expected]);
      expect(verifyReceivers(mounted.configFile, labels, [expected]).status).toBe(0);
    });

    it("GIVEN each severity WHEN its route is found THEN it emails the write-up's recipients, repeats at its interval and sends resolutions", () => {
      for (const [severity, seed] of Object.entries(SEED_ROUTING)) {
        const routes = matchingRoutes(mounted.parsed.route, { alertname: "SomeFutureBillingAlert", team: "billing", severity, environment: "production" });
        expect(routes.map((route) => [route.receiver, route.repeat_interval])).toEqual([[seed.receiver, seed.repeat]]);
        const emails = receiver(mounted.parsed, seed.receiver).email_configs!;
        expect(emails.map((email) => email.to)).toEqual([seed.to]);
      }
      expect(mounted.parsed.route.group_by).toEqual(expect.arrayContaining(["alertname", "severity"]));
    });

    it("GIVEN every email config WHEN read THEN send_resolved is written out as true (email defaults to false) and STARTTLS is required", () => {
      const emails: EmailConfig[] = mounted.parsed.receivers.flatMap((r) => r.email_configs ?? []);
      expect(emails).toHaveLength(7);
      for (const email of emails) {
        expect({ to: email.to, explicit: Object.hasOwn(email, "send_resolved"), send_resolved: email.send_resolved, require_tls: email.require_tls }).toEqual({
          to: email.to,
          explicit: true,
          send_resolved: true,
          require_tls: true,
        });
        expect(email.headers["X-PM-Message-Stream"]).toBe("outbound");
      }
      expect(mounted.parsed.global.smtp_smarthost).toBe("smtp.postmarkapp.com:587");
      expect(mounted.parsed.global.smtp_require_tls).toBe(true);
    });

    it("GIVEN the Watchdog WHEN routed THEN it reaches only the heartbeat receiver, which has no email", () => {
      expect(routeReceivers(mounted.configFile, { alertname: "Watchdog", severity: "none", team: "billing", environment: "production" })).toEqual([HEARTBEAT_RECEIVER]);
      // Staging's Watchdog must not feed production's heartbeat: it would hide production's silence.
      expect(routeReceivers(mounted.configFile, { alertname: "Watchdog", severity: "none", team: "billing", environment: "staging" })).toEqual([NON_PAGING.watchdog]);
      const heartbeat = receiver(mounted.parsed, HEARTBEAT_RECEIVER);
      expect(heartbeat.email_configs).toBeUndefined();
      const url = VARIANTS[variant].secrets?.heartbeatUrl;
      const fromFile = VARIANTS[variant].config?.alertmanagerVersion !== undefined;
      expect(heartbeat.webhook_configs).toEqual(url ? [fromFile ? { url_file: path.join(mounted.secretDir, "heartbeat-url"), send_resolved: false } : { url, send_resolved: false }] : undefined);
      if (url && fromFile) expect(fs.readFileSync(path.join(mounted.secretDir, "heartbeat-url"), "utf8")).toBe(url);
    });

    it("GIVEN the stack's optional secrets WHEN the receivers are read THEN each integration is on exactly when its secret is set, read from the Secret mount", () => {
      const secrets: Partial<Record<string, string>> = VARIANTS[variant].secrets ?? {};
      const emailFailing = receiver(mounted.parsed, EMAIL_FAILING_RECEIVER);
      for (const integration of INTEGRATIONS) {
        const credentials = (configs: readonly object[] | undefined) => configs?.map((config) => fs.readFileSync((config as Record<string, string>)[`${integration.alertmanager.credentialField}_file`], "utf8"));
        const expected = secrets[integration.secret] ? [secrets[integration.secret]] : undefined;
        expect({ integration: integration.name, credentials: credentials(receiver(mounted.parsed, SEED_ROUTING[integration.severity].receiver)[integration.alertmanager.key]) }).toEqual({ integration: integration.name, credentials: expected });
        // Failing email is told by every channel set that joins it (and by email, which may fail only in part).
        expect({ integration: integration.name, emailFailing: credentials(emailFailing[integration.alertmanager.key]) }).toEqual({ integration: integration.name, emailFailing: integration.emailFailing ? expected : undefined });
      }
      expect(emailFailing.email_configs?.map((e) => e.to)).toEqual([SEED_ROUTING.critical.to]);
      // Nothing else pages or posts: info and the catch-all stay email only.
      for (const name of [SEED_ROUTING.info.receiver, DEFAULT_RECEIVER, NON_PAGING.receiver]) {
        expect(Object.keys(receiver(mounted.parsed, name)).sort()).toEqual(["email_configs", "name"]);
      }
    });

    it("GIVEN AlertmanagerNotificationsFailing of each integration WHEN amtool routes it THEN failing email reaches the receiver of every other channel, any other failing channel email", () => {
      const rule = alerts(ruleFileOf(mounted.run).parsed).find((candidate) => candidate.alert === "AlertmanagerNotificationsFailing")!;
      const routed = Object.fromEntries(["email", "slack", "pagerduty", "webhook"].map((integration) => [integration, routeReceivers(mounted.configFile, { alertname: rule.alert!, ...rule.labels, integration })]));
      expect(routed).toEqual({ email: [EMAIL_FAILING_RECEIVER], slack: [SEED_ROUTING.critical.receiver], pagerduty: [SEED_ROUTING.critical.receiver], webhook: [SEED_ROUTING.critical.receiver] });
      // Staging's copy of the alert stays quiet there: production's copy, on the same Alertmanager, pages.
      expect(routeReceivers(mounted.configFile, { alertname: rule.alert!, ...rule.labels, environment: "staging", integration: "email" })).toEqual([NON_PAGING.receiver]);
    });

    it("GIVEN the heartbeat WHEN the inhibitions are read THEN failing email silences the Watchdog of its environment exactly when a heartbeat URL is set", () => {
      const silencesWatchdog = mounted.parsed.inhibit_rules.filter((rule) => rule.target_matchers.includes('alertname="Watchdog"'));
      const heartbeat = VARIANTS[variant].secrets?.heartbeatUrl !== undefined;
      expect(silencesWatchdog).toEqual(
        heartbeat
          ? [{ source_matchers: ['alertname="AlertmanagerNotificationsFailing"', 'integration="email"', 'team="billing"'], target_matchers: ['alertname="Watchdog"', 'team="billing"'], equal: ["environment"] }]
          : [],
      );
    });

    it("GIVEN the SMTP login WHEN the global block is read THEN the username is the access key (smtp-token) or the server token (server-token)", () => {
      const serverToken = VARIANTS[variant].config?.smtpLogin === "server-token";
      expect(mounted.parsed.global.smtp_auth_username).toBe(serverToken ? TEST_SECRETS.smtpPassword : TEST_SETTINGS.smtpUsername);
      // The configuration moves into the Secret only when it must hold a secret: the server token, or a heartbeat URL
      // an Alertmanager older than 0.26 cannot read from a file.
      const inlineHeartbeat = VARIANTS[variant].secrets?.heartbeatUrl !== undefined && VARIANTS[variant].config?.alertmanagerVersion === undefined;
      expect(path.dirname(mounted.configFile)).toBe(serverToken || inlineHeartbeat ? mounted.secretDir : mounted.configDir);
    });
  });
});

describe("the routes test can fail", () => {
  let mounted: MountedConfig;
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
  });
  afterAll(() => removeMounted(mounted));

  const critical = { alertname: "BillingPaymentFailureRateCritical", severity: "critical", team: "billing", family: "billing-payment-failure-rate", environment: "production" };

  it("GIVEN critical alerts moved to the warning receiver WHEN verified against billing-critical THEN amtool fails", () => {
    const moved = structuredClone(mounted.parsed);
    allRoutes(moved.route).find((route) => route.receiver === SEED_ROUTING.critical.receiver)!.receiver = SEED_ROUTING.warning.receiver;
    const result = verifyReceivers(writeVariant(mounted, "moved.yml", moved), critical, [SEED_ROUTING.critical.receiver]);
    expect(result.status).not.toBe(0);
    expect(result.stdout.trim().split("\n")[0]).toBe(SEED_ROUTING.warning.receiver);
  });

  it("GIVEN the critical route removed WHEN verified THEN amtool fails because the alert falls to the catch-all", () => {
    const removed = structuredClone(mounted.parsed);
    for (const route of allRoutes(removed.route)) route.routes = route.routes?.filter((child) => child.receiver !== SEED_ROUTING.critical.receiver);
    const file = writeVariant(mounted, "removed.yml", removed);
    expect(verifyReceivers(file, critical, [SEED_ROUTING.critical.receiver]).status).not.toBe(0);
    expect(routeReceivers(file, critical)).toEqual([DEFAULT_RECEIVER]);
  });
});

describe("time zones: the offline check agrees with Alertmanager's own", () => {
  let mounted: MountedConfig;
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
  });
  afterAll(() => removeMounted(mounted));

  const offline = (zone: string): boolean => {
    try {
      parseConfig({ stack: "staging", values: { imageTag: "v1", smtpUsername: "k", smtpPassword: "p", grafanaToken: "t", businessHoursTimezone: zone }, secretKeys: new Set(["smtpPassword", "grafanaToken"]) }, RELEASE_FEATURES);
      return true;
    } catch {
      return false;
    }
  };

  it.each(["Europe/Berlin", "europe/berlin", "EUROPE/BERLIN", "UTC", "America/New_York", "US/Pacific", "Mars/Olympus_Mons"])("%s: accepted offline exactly when amtool check-config accepts it", (zone) => {
    const variant = structuredClone(mounted.parsed);
    for (const interval of variant.time_intervals) for (const entry of interval.time_intervals) entry.location = zone;
    const amtool = checkConfig(writeVariant(mounted, `zone-${zone.replace(/\W/g, "-")}.yml`, variant)).status === 0;
    expect({ zone, offline: offline(zone) }).toEqual({ zone, offline: amtool });
  });
});

/** Alerts of other teams on the same Alertmanager, as they arrive: no `team: billing` label, any severity. */
const OTHER_TEAMS: readonly Record<string, string>[] = [
  { alertname: "PostgresDown", severity: "critical", environment: "production", team: "platform" },
  { alertname: "NodeDiskFull", severity: "warning", environment: "production", team: "platform", cluster: "eu-1" },
  { alertname: "SearchIndexLag", severity: "critical", environment: "production", team: "search" },
  { alertname: "KubePodCrashLooping", severity: "critical", environment: "production" },
  { alertname: "HighMemory", severity: "warning" },
  { alertname: "BillingPaymentFailureRateCritical", severity: "critical", environment: "production", team: "payments-legacy" },
];

describe("other teams' alerts on the shared Alertmanager", () => {
  describe("without a base configuration", () => {
    let mounted: MountedConfig;
    beforeAll(async () => {
      mounted = await mountedAlertmanagerConfig("production");
    });
    afterAll(() => removeMounted(mounted));

    it.each(OTHER_TEAMS)("GIVEN %j WHEN amtool routes it THEN it reaches the neutral receiver only, never a billing one", (labels) => {
      expect(routeReceivers(mounted.configFile, labels)).toEqual([OTHER_ALERTS_RECEIVER]);
    });

    it("GIVEN the neutral receiver WHEN read THEN it emails the configured recipients with Alertmanager's own subject and body, nothing billing's", () => {
      expect(receiver(mounted.parsed, OTHER_ALERTS_RECEIVER)).toEqual({
        name: OTHER_ALERTS_RECEIVER,
        email_configs: [{ to: "admin@rsolv.dev", send_resolved: true, require_tls: true, headers: { "X-PM-Message-Stream": "outbound" } }],
      });
    });

    it("GIVEN the inhibitions WHEN read THEN each matches billing's alerts only, on both sides", () => {
      for (const rule of mounted.parsed.inhibit_rules) expect([rule.source_matchers, rule.target_matchers].map((m) => m.includes('team="billing"'))).toEqual([true, true]);
    });
  });

  describe("with a base configuration other teams keep (two teams, an inhibition, a time interval)", () => {
    const BASE = "test/fixtures/alertmanager-base.yml";
    let mounted: MountedConfig;
    let baseAlone: string;
    beforeAll(async () => {
      mounted = await mountedAlertmanagerConfig("production", { config: { alertmanagerBase: BASE } });
      baseAlone = path.join(mounted.root, "base-alone.yml");
      fs.copyFileSync(path.join(__dirname, "..", "fixtures", "alertmanager-base.yml"), baseAlone);
    });
    afterAll(() => removeMounted(mounted));

    it.each(RELEASES)("GIVEN the merged configuration WHEN amtool check-config of the %s release reads it THEN it passes", (release) => {
      const result = checkConfig(mounted.configFile, release);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    });

    it.each(OTHER_TEAMS)("GIVEN %j WHEN amtool routes it THEN it reaches exactly what the base alone routes it to", (labels) => {
      const alone = routeReceivers(baseAlone, labels);
      expect(routeReceivers(mounted.configFile, labels)).toEqual(alone);
      expect(alone.filter((name) => BILLING_RECEIVER_NAMES.includes(name))).toEqual([]);
    });

    it("GIVEN every alert of the production rule file WHEN amtool routes it THEN it reaches the receiver it reaches without a base", () => {
      for (const rule of alerts(ruleFileOf(mounted.run).parsed)) {
        const labels = { alertname: rule.alert!, ...rule.labels };
        expect({ alert: rule.alert, receivers: routeReceivers(mounted.configFile, labels) }).toEqual({ alert: rule.alert, receivers: [expectedReceiver(rule.alert!, rule.labels?.severity, "production")] });
      }
    });

    it("GIVEN the merged file WHEN read THEN the base's blocks are kept as written and billing's emails carry their own SMTP settings", () => {
      const base = parse(fs.readFileSync(baseAlone, "utf8")) as AlertmanagerConfig & { global: Record<string, unknown> };
      expect(mounted.parsed.global).toEqual(base.global);
      expect(mounted.parsed.route.receiver).toBe(base.route.receiver);
      expect(mounted.parsed.route.routes!.slice(1)).toEqual(base.route.routes);
      expect(mounted.parsed.route.routes![0].matchers).toEqual(['team="billing"']);
      expect(mounted.parsed.inhibit_rules.slice(0, base.inhibit_rules.length)).toEqual(base.inhibit_rules);
      expect(mounted.parsed.receivers.slice(0, base.receivers.length)).toEqual(base.receivers);
      expect(mounted.parsed.receivers.map((r) => r.name)).not.toContain(OTHER_ALERTS_RECEIVER);
      for (const email of mounted.parsed.receivers.slice(base.receivers.length).flatMap((r) => r.email_configs ?? [])) {
        expect([email.smarthost, email.from, email.auth_username, fs.readFileSync(email.auth_password_file!, "utf8")]).toEqual(["smtp.postmarkapp.com:587", "alerts@rsolv.dev", TEST_SETTINGS.smtpUsername, TEST_SECRETS.smtpPassword]);
      }
    });
  });
});
