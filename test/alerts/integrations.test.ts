/**
 * The optional integrations (alerts/integrations.ts): each secret that is not the SMTP password, the Grafana token
 * or the heartbeat URL is one, and setting it adds its file to the Secret and its part to its severity's receiver
 * (and to the email-failing one, when it joins it). Every test runs over every entry, so a new one is tested as it
 * is added.
 */
import { INTEGRATIONS, RELEASE_FEATURES } from "../../alerts/integrations";
import { alertmanagerConfigSpec, crdReceiver } from "../../alerts/operator";
import { alertmanagerPlacement, buildAlertmanagerConfig, type Receiver, uncoveredEmailFailure } from "../../alerts/routing";
import { ConfigError, parseConfig, SECRET_KEYS } from "../../config";
import { OLDEST_SUPPORTED } from "../../config/releases";

const VALUES = { imageTag: "v1", smtpUsername: "key", smtpPassword: "unused", grafanaToken: "unused", alertmanagerOwner: "true", alertmanagerSecretPath: "/secrets" };
const config = (extra: Record<string, string>) => parseConfig({ stack: "qa", values: { ...VALUES, ...extra }, secretKeys: new Set(Object.keys({ ...VALUES, ...extra }).filter((k) => (SECRET_KEYS as readonly string[]).includes(k))) }, RELEASE_FEATURES);
/** Every integration's secret set (its render stand-in), on the newest release any of them needs. */
const NEWEST = INTEGRATIONS.map((i) => i.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager).sort((a, b) => a.localeCompare(b, "en", { numeric: true })).pop()!;
const ALL_SET = { ...Object.fromEntries(INTEGRATIONS.map((i) => [i.secret, i.standIn])), alertmanagerVersion: NEWEST };
const holding = (receivers: readonly Receiver[], key: `${string}_configs`) => receivers.filter((r) => r[key]).map((r) => r.name).sort();

describe("integrations", () => {
  it("are every secret besides the SMTP password, the Grafana token and the heartbeat URL: a new secret needs its entry", () => {
    expect(INTEGRATIONS.map((i) => i.secret).sort()).toEqual(SECRET_KEYS.filter((k) => !["smtpPassword", "grafanaToken", "heartbeatUrl"].includes(k)).sort());
  });

  it("have their own file, receiver key and sink each", () => {
    for (const field of [(i: (typeof INTEGRATIONS)[number]) => i.file, (i: (typeof INTEGRATIONS)[number]) => i.alertmanager.key, (i: (typeof INTEGRATIONS)[number]) => i.sandbox.sink]) {
      expect(new Set(INTEGRATIONS.map(field)).size).toBe(INTEGRATIONS.length);
    }
  });

  it("are off until their secret is set: no file, no receiver part", () => {
    const cfg = config({});
    expect(alertmanagerPlacement(cfg).secretFiles).toEqual({ "smtp-password": "smtpPassword" });
    const receivers = buildAlertmanagerConfig(cfg).receivers;
    for (const integration of INTEGRATIONS) expect({ integration: integration.name, receivers: holding(receivers, integration.alertmanager.key) }).toEqual({ integration: integration.name, receivers: [] });
  });

  it.each(INTEGRATIONS.map((i) => [i.name, i] as const))("GIVEN %s's secret set WHEN the configuration is built THEN its file is in the Secret and it joins its severity's receiver (and email failing's), reading the credential from that file", (_name, integration) => {
    const cfg = config({ [integration.secret]: integration.standIn, alertmanagerVersion: integration.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager });
    expect(cfg).not.toHaveProperty(integration.secret);
    expect(alertmanagerPlacement(cfg).secretFiles).toEqual({ "smtp-password": "smtpPassword", [integration.file]: integration.secret });
    const receivers = buildAlertmanagerConfig(cfg).receivers;
    const byName = Object.fromEntries(receivers.map((r) => [r.name, r]));
    expect(byName[`billing-${integration.severity}`][integration.alertmanager.key]).toEqual([integration.alertmanager.config(cfg, `/secrets/${integration.file}`, integration.severity)]);
    expect(byName[`billing-${integration.severity}`][integration.alertmanager.key]).toMatchObject([{ [`${integration.alertmanager.credentialField}_file`]: `/secrets/${integration.file}` }]);
    expect(holding(receivers, integration.alertmanager.key)).toEqual([`billing-${integration.severity}`, ...(integration.emailFailing ? ["billing-email-failing"] : [])].sort());
  });

  it("GIVEN email failing WHEN its receiver is read THEN it holds every integration set that joins it, titled as critical, beside the critical recipients' email", () => {
    const cfg = config(ALL_SET);
    const emailFailing = buildAlertmanagerConfig(cfg).receivers.find((r) => r.name === "billing-email-failing")!;
    for (const integration of INTEGRATIONS) {
      expect({ integration: integration.name, configs: emailFailing[integration.alertmanager.key] }).toEqual({
        integration: integration.name,
        configs: integration.emailFailing ? [integration.alertmanager.config(cfg, `/secrets/${integration.file}`, "critical")] : undefined,
      });
    }
    expect(emailFailing.email_configs!.map((e) => e.to)).toEqual(["admin@rsolv.dev, billing-oncall@rsolv.dev"]);
  });

  it("GIVEN one that needs a newer Alertmanager than the oldest supported WHEN set on the oldest THEN the stack is refused, naming its key, alertmanagerVersion and the release it needs", () => {
    const newer = INTEGRATIONS.filter((i) => i.alertmanagerRelease !== undefined);
    expect(RELEASE_FEATURES.map((feature) => feature.minimum)).toEqual(newer.map((i) => i.alertmanagerRelease));
    for (const integration of newer) {
      const set = { [integration.secret]: integration.standIn };
      expect(() => config(set)).toThrow(ConfigError);
      expect(() => config(set)).toThrow(
        `billing-monitoring:${integration.secret} (${integration.name} through ${integration.alertmanager.key}) needs Alertmanager ${integration.alertmanagerRelease} or later, but billing-monitoring:alertmanagerVersion is ${OLDEST_SUPPORTED.alertmanager}`,
      );
      expect(() => config({ ...set, alertmanagerVersion: integration.alertmanagerRelease! })).not.toThrow();
    }
  });
});

describe("operator mode", () => {
  // A paging environment's AlertmanagerConfig: the one with the severity receivers.
  const operatorConfig = (extra: Record<string, string>) => config({ ...extra, prometheusOperator: "true", alertmanagerOwner: "false", pagingEnvironments: '["qa"]' });

  it.each(INTEGRATIONS.map((i) => [i.name, i] as const))("GIVEN %s set WHEN the AlertmanagerConfig is built THEN its receivers carry it (never dropped), its credential a selector of its file", (_name, integration) => {
    const cfg = operatorConfig({ [integration.secret]: integration.standIn, alertmanagerVersion: integration.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager });
    if ("refused" in integration.operator) {
      expect(() => alertmanagerConfigSpec(cfg, "credentials")).toThrow(integration.secret);
      return;
    }
    const { key, fields } = integration.operator;
    const spec = alertmanagerConfigSpec(cfg, "credentials");
    const holders = spec.receivers.filter((r) => r[key]).map((r) => r.name).sort();
    expect(holders).toEqual([`billing-${integration.severity}`, ...(integration.emailFailing ? ["billing-email-failing"] : [])].sort());
    const own = spec.receivers.find((r) => r.name === `billing-${integration.severity}`)![key]!;
    expect(own).toMatchObject([{ [fields[`${integration.alertmanager.credentialField}_file`]]: { name: "credentials", key: integration.file } }]);
  });

  it("GIVEN a receiver with a kind no entry converts WHEN it is made a CRD receiver THEN it is refused, never dropped", () => {
    const cfg = operatorConfig({});
    expect(() => crdReceiver(cfg, { name: "billing-warning", opsgenie_configs: [{ api_key_file: "/secret/opsgenie" }] }, "credentials")).toThrow(
      "receiver billing-warning has opsgenie_configs, which no entry of INTEGRATIONS (alerts/integrations.ts) converts to an AlertmanagerConfig",
    );
  });
});

describe("what nobody is told when email fails", () => {
  it.each<[string, Record<string, string>, RegExp | undefined]>([
    ["email only, no heartbeat", {}, /nobody is told/],
    ["email only, with the heartbeat", { heartbeatUrl: "https://heartbeat.example/x" }, /told only by the heartbeat stopping/],
    ...INTEGRATIONS.filter((i) => i.emailFailing).map((i): [string, Record<string, string>, undefined] => [`${i.name} set`, { [i.secret]: i.standIn, alertmanagerVersion: i.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager }, undefined]),
  ])("GIVEN %s WHEN asked THEN it says so plainly, or nothing when another channel covers email", (_what, extra, expected) => {
    const text = uncoveredEmailFailure(config(extra));
    if (expected === undefined) expect(text).toBeUndefined();
    else expect(text).toMatch(expected);
  });

  it("names every integration that would cover it", () => {
    const text = uncoveredEmailFailure(config({}))!;
    for (const integration of INTEGRATIONS.filter((i) => i.emailFailing)) expect(text).toContain(integration.secret);
  });
});
