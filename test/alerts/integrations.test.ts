/**
 * The optional integrations (alerts/integrations.ts): each secret that is not the SMTP password, the Grafana token
 * or the heartbeat URL is one, and setting it adds its file to the Secret and its part to its severity's receiver.
 */
import { INTEGRATIONS } from "../../alerts/integrations";
import { alertmanagerPlacement, buildAlertmanagerConfig, uncoveredEmailFailure } from "../../alerts/routing";
import { parseConfig, SECRET_KEYS } from "../../config";

const VALUES = { imageTag: "v1", smtpUsername: "key", smtpPassword: "unused", grafanaToken: "unused", alertmanagerOwner: "true", alertmanagerSecretPath: "/secrets" };
const config = (extra: Record<string, string>) => parseConfig({ stack: "qa", values: { ...VALUES, ...extra }, secretKeys: new Set(Object.keys({ ...VALUES, ...extra }).filter((k) => (SECRET_KEYS as readonly string[]).includes(k))) });

describe("integrations", () => {
  it("are every secret besides the SMTP password, the Grafana token and the heartbeat URL: a new secret needs its entry", () => {
    expect(INTEGRATIONS.map((i) => i.secret).sort()).toEqual(SECRET_KEYS.filter((k) => !["smtpPassword", "grafanaToken", "heartbeatUrl"].includes(k)).sort());
  });

  it("are off until their secret is set: no file, no receiver part", () => {
    const cfg = config({});
    expect(alertmanagerPlacement(cfg).secretFiles).toEqual({ "smtp-password": "smtpPassword" });
    const receivers = buildAlertmanagerConfig(cfg).receivers;
    expect(receivers.filter((r) => r.pagerduty_configs || r.slack_configs)).toEqual([]);
  });

  it("with their secrets set, each adds its file and joins its severity's receiver, reading the credential from that file", () => {
    const cfg = config({ pagerdutyRoutingKey: "k", slackWebhookUrl: "https://hooks.slack.example/x", slackChannel: "#billing" });
    expect(cfg).not.toHaveProperty("slackWebhookUrl");
    expect(alertmanagerPlacement(cfg).secretFiles).toEqual({ "smtp-password": "smtpPassword", "pagerduty-routing-key": "pagerdutyRoutingKey", "slack-webhook-url": "slackWebhookUrl" });
    const byName = Object.fromEntries(buildAlertmanagerConfig(cfg).receivers.map((r) => [r.name, r]));
    expect(byName["billing-critical"].pagerduty_configs).toEqual([{ routing_key_file: "/secrets/pagerduty-routing-key", send_resolved: true, severity: "critical", description: '{{ template "billing.subject.critical" . }}' }]);
    expect(byName["billing-warning"].slack_configs).toMatchObject([{ api_url_file: "/secrets/slack-webhook-url", channel: "#billing", send_resolved: true }]);
    // Besides its own severity's, each joins the receiver of failing email, which must not be told by email alone.
    expect(Object.keys(byName).filter((name) => byName[name].pagerduty_configs || byName[name].slack_configs).sort()).toEqual(["billing-critical", "billing-email-failing", "billing-warning"]);
  });

  it("GIVEN email failing WHEN its receiver is read THEN it holds every integration set, titled as critical, beside the critical recipients' email", () => {
    const cfg = config({ pagerdutyRoutingKey: "k", slackWebhookUrl: "https://hooks.slack.example/x", slackChannel: "#billing" });
    const emailFailing = buildAlertmanagerConfig(cfg).receivers.find((r) => r.name === "billing-email-failing")!;
    expect(emailFailing.pagerduty_configs).toEqual([{ routing_key_file: "/secrets/pagerduty-routing-key", send_resolved: true, severity: "critical", description: '{{ template "billing.subject.critical" . }}' }]);
    expect(emailFailing.slack_configs).toMatchObject([{ api_url_file: "/secrets/slack-webhook-url", channel: "#billing", title: '{{ template "billing.subject.critical" . }}' }]);
    expect(emailFailing.email_configs!.map((e) => e.to)).toEqual(["admin@rsolv.dev, billing-oncall@rsolv.dev"]);
  });
});

describe("what nobody is told when email fails", () => {
  it.each([
    ["email only, no heartbeat", {}, /nobody is told/],
    ["email only, with the heartbeat", { heartbeatUrl: "https://heartbeat.example/x" }, /told only by the heartbeat stopping/],
    ["Slack set", { slackWebhookUrl: "https://hooks.slack.example/x" }, undefined],
    ["PagerDuty set", { pagerdutyRoutingKey: "k" }, undefined],
  ])("GIVEN %s WHEN asked THEN it says so plainly, or nothing when another channel covers email", (_what, extra, expected) => {
    const text = uncoveredEmailFailure(config(extra));
    if (expected === undefined) expect(text).toBeUndefined();
    else expect(text).toMatch(expected);
  });
});
