/**
 * The optional integrations (alerts/integrations.ts): each secret that is not the SMTP password, the Grafana token
 * or the heartbeat URL is one, and setting it adds its file to the Secret and its part to its severity's receiver.
 */
import { INTEGRATIONS } from "../../../alerts/integrations";
import { alertmanagerPlacement, buildAlertmanagerConfig } from "../../../alerts/routing";
import { parseConfig, SECRET_KEYS } from "../../../config";

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
    expect(cfg.settings).not.toHaveProperty("slackWebhookUrl");
    expect(alertmanagerPlacement(cfg).secretFiles).toEqual({ "smtp-password": "smtpPassword", "pagerduty-routing-key": "pagerdutyRoutingKey", "slack-webhook-url": "slackWebhookUrl" });
    const byName = Object.fromEntries(buildAlertmanagerConfig(cfg).receivers.map((r) => [r.name, r]));
    expect(byName["billing-critical"].pagerduty_configs).toEqual([{ routing_key_file: "/secrets/pagerduty-routing-key", send_resolved: true, severity: "critical", description: '{{ template "billing.subject.critical" . }}' }]);
    expect(byName["billing-warning"].slack_configs).toMatchObject([{ api_url_file: "/secrets/slack-webhook-url", channel: "#billing", send_resolved: true }]);
    expect(Object.keys(byName).filter((name) => byName[name].pagerduty_configs || byName[name].slack_configs).sort()).toEqual(["billing-critical", "billing-warning"]);
  });
});
