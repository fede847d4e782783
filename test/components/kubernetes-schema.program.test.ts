/**
 * Every Kubernetes object each stack declares, in each optional mode, is one the API server would admit: checked
 * against the Kubernetes and prometheus-operator OpenAPI schemas (test/helpers/kubernetes-schema.ts), patches as
 * patches.
 */
import { kubernetesProblems } from "../helpers/kubernetes-schema";
import { type Overrides, runStack, TEST_SECRETS } from "../helpers/stack";

const RECEIVERS = {
  ...TEST_SECRETS,
  slackWebhookUrl: "https://hooks.slack.example/services/test-only-slack-path",
  pagerdutyRoutingKey: "test-only-pagerduty-routing-key",
  heartbeatUrl: "https://heartbeat.example/ping/test-only-heartbeat-path",
};

const MODES: [string, string, Overrides][] = [
  ["staging", "as committed", {}],
  ["production", "as committed", {}],
  ["staging", "in operator mode", { config: { prometheusOperator: "true" } }],
  ["production", "in operator mode", { config: { prometheusOperator: "true" } }],
  ["production", "in operator mode with Slack, PagerDuty and a heartbeat", { config: { prometheusOperator: "true" }, secrets: RECEIVERS }],
  ["production", "with Slack, PagerDuty and a heartbeat", { secrets: RECEIVERS }],
  ["production", "with the server-token login", { config: { smtpLogin: "server-token", smtpUsername: undefined } }],
  ["production", "on StatefulSets", { config: { prometheusWorkload: "StatefulSet", alertmanagerWorkload: "StatefulSet" } }],
];

describe("Kubernetes objects as the API server admits them", () => {
  it.each(MODES)("%s %s: every object passes its schema", async (stack, _mode, overrides) => {
    const run = await runStack(stack, overrides);
    const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(objects.length).toBeGreaterThanOrEqual(2);
    expect(Object.fromEntries(objects.map((r) => [`${r.type} ${r.name}`, kubernetesProblems(r)]))).toEqual(Object.fromEntries(objects.map((r) => [`${r.type} ${r.name}`, []])));
  });

  // The checker itself: each defect an API server refuses is reported.
  it.each([
    ["a data value that is not a string", { type: "kubernetes:core/v1:ConfigMap", inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "m" }, data: { "rules.yml": 1 } } }, ["/data/rules.yml must be string"]],
    ["an upper-case name", { type: "kubernetes:core/v1:ConfigMap", inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Billing", namespace: "m" } } }, ['/metadata/name "Billing" is not a DNS-1123 subdomain']],
    ["a label value too long", { type: "kubernetes:core/v1:Secret", inputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "a", namespace: "m", labels: { env: "x".repeat(64) } } } }, [`/metadata/labels/env "${"x".repeat(64)}" is not a label value`]],
    ["a data key with a slash", { type: "kubernetes:core/v1:Secret", inputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "a", namespace: "m" }, stringData: { "a/b": "x" } } }, ['/stringData key "a/b" is not a valid key']],
    ["a patch with a container image that is not a string", { type: "kubernetes:apps/v1:DeploymentPatch", inputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a", namespace: "m" }, spec: { template: { spec: { containers: [{ name: "c", image: 5 }] } } } } }, ["/spec/template/spec/containers/0/image must be string"]],
    ["a patch with no namespace", { type: "kubernetes:apps/v1:DeploymentPatch", inputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" } } }, ["/metadata/namespace undefined is not a DNS-1123 label"]],
    ["a rule whose for is not a Prometheus duration", { type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule", inputs: { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "a", namespace: "m" }, spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "up", for: "5 minutes" }] }] } } }, ['/spec/groups/0/rules/0/for must match pattern "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"']],
    [
      "a child route whose matcher has an unknown match type (the CRD leaves child routes unchecked; the operator parses them)",
      { type: "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig", inputs: { apiVersion: "monitoring.coreos.com/v1alpha1", kind: "AlertmanagerConfig", metadata: { name: "a", namespace: "m" }, spec: { route: { receiver: "r", routes: [{ receiver: "r", matchers: [{ name: "severity", value: "critical", matchType: "==" }] }] } } } },
      ["/spec/route/routes/0/matchers/0/matchType must be equal to one of the allowed values"],
    ],
  ])("reports %s", (_what, resource, expected) => {
    expect(kubernetesProblems(resource)).toEqual(expected);
  });
});
