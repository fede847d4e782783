/**
 * How verify compares what it reads live with the rendered stack. The live spellings below are what Prometheus
 * 2.42's /api/v1/rules and Alertmanager 0.25's /api/v2/status returned for the sandbox's stacks.
 */
import { INTEGRATIONS } from "../../../alerts/integrations";
import { configDifferences, leftoverAlerts, releaseCheck } from "../../../tools/verify/checks";
import type { Expected } from "../../../tools/verify/expected";
import { canonicalExpression } from "../../../tools/verify/expression";

describe("canonicalExpression", () => {
  it("is the same for the rule file's text and Prometheus' print of it", () => {
    const ours = `( sum by (namespace) (increase(rsolv_x_bucket{namespace="prod",le=~"1(\\\\.0)?"}[5m]))\n  / sum by (namespace) (increase(rsolv_x_count{namespace="prod"}[5m])) ) > 0.1`;
    const printed = `(sum by (namespace) (increase(rsolv_x_bucket{le=~"1(\\\\.0)?",namespace="prod"}[5m])) / sum by (namespace) (increase(rsolv_x_count{namespace="prod"}[5m]))) > 0.1`;
    expect(canonicalExpression(printed)).toBe(canonicalExpression(ours));
  });

  it.each([
    ["a threshold", "rate(x[5m]) > 0.1", "rate(x[5m]) > 0.12"],
    ["a window", "rate(x[5m]) > 0.1", "rate(x[10m]) > 0.1"],
    ["parentheses that change the meaning", "(a + b) * 2", "a + b * 2"],
    ["a matcher's value", 'x{namespace="prod"}', 'x{namespace="staging"}'],
    ["a matcher's operator", 'x{namespace="prod"}', 'x{namespace=~"prod"}'],
  ])("differs for %s", (_what, a, b) => {
    expect(canonicalExpression(a)).not.toBe(canonicalExpression(b));
  });
});

describe("configDifferences", () => {
  it("takes Alertmanager's spellings as equal: 24h as 1d, matchers sorted, header names in MIME case, secrets masked", () => {
    const ours = { route: { repeat_interval: "24h", matchers: ['severity="critical"', "environment=~\"prod\""] }, receivers: [{ email_configs: [{ auth_password_file: "/etc/x", headers: { "X-PM-Message-Stream": "outbound" } }], webhook_configs: [{ url: "<redacted: pulumi secret>" }] }] };
    const running = { route: { repeat_interval: "1d", group_by: ["..."], matchers: ['environment=~"prod"', 'severity="critical"'] }, receivers: [{ email_configs: [{ auth_password_file: "/etc/x", headers: { "X-Pm-Message-Stream": "outbound", From: "x" } }], webhook_configs: [{ url: "<secret>" }] }] };
    expect(configDifferences(ours, running)).toEqual([]);
  });

  it("names each field that differs, and never a credential's value", () => {
    const ours = { route: { receiver: "billing-critical", repeat_interval: "30m" }, receivers: [{ slack_configs: [{ api_url: "https://hooks.example/ours" }] }] };
    const running = { route: { receiver: "billing-warning", repeat_interval: "1h" }, receivers: [{ slack_configs: [{ api_url: "https://hooks.example/theirs" }] }] };
    expect(configDifferences(ours, running)).toEqual([
      'route.receiver: the stack has "billing-critical", Alertmanager runs "billing-warning"',
      'route.repeat_interval: the stack has "30m", Alertmanager runs "1h"',
      "receivers[0].slack_configs[0].api_url: the stack has (value not shown), Alertmanager runs (value not shown)",
    ]);
  });

  it.each(INTEGRATIONS.map((i) => [i.name, i] as const))("never shows %s's credential given inline", (_name, integration) => {
    const receiver = (value: string) => ({ receivers: [{ [integration.alertmanager.key]: [{ [integration.alertmanager.credentialField]: value }] }] });
    expect(configDifferences(receiver("ours-test-only-credential"), receiver("theirs-test-only-credential"))).toEqual([
      `receivers[0].${integration.alertmanager.key}[0].${integration.alertmanager.credentialField}: the stack has (value not shown), Alertmanager runs (value not shown)`,
    ]);
  });
});

describe("releaseCheck", () => {
  it.each([
    ["a current Prometheus against the default declaration", "prometheus", "3.16.0", "2.42.0", "pass", "Prometheus 3.16.0, at least the stack's prometheusVersion 2.42.0"],
    ["Debian's Prometheus, as it reports itself", "prometheus", "2.42.0+ds", "2.42.0", "pass", "Prometheus 2.42.0, at least the stack's prometheusVersion 2.42.0"],
    [
      "an Alertmanager older than the declared release",
      "alertmanager",
      "0.25.0",
      "0.28.0",
      "fail",
      "Alertmanager 0.25.0 is older than the stack's alertmanagerVersion, 0.28.0: what the stack writes for 0.28.0 may be refused. Upgrade Alertmanager, or run: pulumi config set alertmanagerVersion 0.25.0",
    ],
    ["an Alertmanager older than any supported", "alertmanager", "0.24.0", undefined, "fail", "Alertmanager 0.24.0 is older than the oldest supported release, 0.25.0: upgrade it"],
    ["a development build", "prometheus", "", "2.42.0", "fail", 'Prometheus reports version "", which is not a release: cannot tell whether it reads what the stack writes'],
    ["a tree rendered before the declaration existed", "alertmanager", "0.35.0", undefined, "pass", "Alertmanager 0.35.0, at least the stack's alertmanagerVersion 0.25.0"],
  ] as const)("%s", (_what, server, live, declared, status, summary) => {
    expect(releaseCheck(server, live, declared)).toEqual({ name: `${server === "prometheus" ? "Prometheus" : "Alertmanager"} release`, status, summary, ...(status === "fail" ? { details: [] } : {}) });
  });
});

describe("leftoverAlerts", () => {
  const expected = {
    environment: "production",
    groups: [{ name: "billing-payments-production", rules: [{ alert: "BillingPaymentFailureRateHigh", expr: "x > 0.1", labels: { environment: "production" } }, { record: "r", expr: "x" }] }],
  } as unknown as Expected;
  const rule = (name: string, labels: Record<string, string>, type: "alerting" | "recording" = "alerting") => ({ name, query: "x", type, labels, health: "ok", lastEvaluation: "" });

  it("names a hand-run rule file's alert of the same name, and spares the stack's own groups and another environment's", () => {
    const live = [
      { name: "billing-payments-production", file: "/etc/prometheus/rules/production.yml", interval: 60, rules: [rule("BillingPaymentFailureRateHigh", { environment: "production" })] },
      { name: "billing-payments-staging", file: "/etc/prometheus/rules/staging.yml", interval: 60, rules: [rule("BillingPaymentFailureRateHigh", { environment: "staging" })] },
      { name: "billing_alerts", file: "/etc/prometheus/billing-alerts.yml", interval: 60, rules: [rule("BillingPaymentFailureRateHigh", { severity: "warning" }), rule("SomethingElse", {}), rule("BillingPaymentFailureRateHigh", {}, "recording")] },
      { name: "copied", file: "/etc/prometheus/copy.yml", interval: 60, rules: [rule("BillingPaymentFailureRateHigh", { environment: "production" })] },
    ];
    expect(leftoverAlerts(live, expected)).toEqual([
      'BillingPaymentFailureRateHigh is also defined in group "billing_alerts" of /etc/prometheus/billing-alerts.yml (no environment label): both rules fire on the same incident, so it pages twice. Remove that rule (docs/adopting.md)',
      'BillingPaymentFailureRateHigh is also defined in group "copied" of /etc/prometheus/copy.yml: both rules fire on the same incident, so it pages twice. Remove that rule (docs/adopting.md)',
    ]);
  });
});
