/**
 * How verify compares what it reads live with the rendered stack. The live spellings below are what Prometheus
 * 2.42's /api/v1/rules and Alertmanager 0.25's /api/v2/status returned for the sandbox's stacks.
 */
import { configDifferences } from "../../../verify/checks";
import { canonicalExpression } from "../../../verify/expression";

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
});
