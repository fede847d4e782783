/**
 * The real index.ts, run for each stack through the local engine as `pulumi up` runs it (Pulumi's own cmd/run):
 * what it declares, where, and with what content.
 */
import { parse } from "yaml";

import { INTEGRATIONS } from "../../alerts/integrations";
import { declaredRuleFile, type RecordedResource, type StackRun } from "../../tools/engine/program";
import { OLDEST_SUPPORTED } from "../../config/releases";
import { failureOf } from "../../tools/engine/run";
import { attemptStack, integrationsOn, runStack, single, stackConfig, TYPES } from "../helpers/stack";

const SEED_ALERTS = [
  "BillingPaymentFailureRateHigh",
  "BillingPaymentFailureRateCritical",
  "StripeWebhookFailureRateHigh",
  "StripeWebhookProcessingDurationHigh",
  "StripeWebhooksStalled",
  "SubscriptionCancellationRateHigh",
  "BillingCreditGrantAnomalyDetected",
];

const SEED_PANELS = [
  "Subscription Creation Rate",
  "Payment Success Rate",
  "Revenue by Plan (24h)",
  "Payment Processing Duration (p95)",
  "Usage Tracking: Fixes Consumed",
  "Customer Conversion Funnel",
  "Failed Payments by Reason",
  "Subscription Cancellation Rate",
  "Active Subscriptions by Plan",
  "Credit System Overview",
];

interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
}

const data = (resource: RecordedResource): Record<string, string> => resource.inputs.data as Record<string, string>;
const metadata = (resource: RecordedResource): { name: string; namespace: string } => resource.inputs.metadata as { name: string; namespace: string };
const byName = (run: StackRun, name: string): RecordedResource => {
  const found = run.resources.filter((resource) => resource.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

function ruleFile(run: StackRun): RuleFile {
  return parse(declaredRuleFile(run)) as RuleFile;
}

const EXPECTED = {
  staging: { namespace: "rsolv-staging", deployment: "staging-rsolv-platform", rules: "prometheus-billing-rules-staging", am: "alertmanager-billing-staging", uid: "billing-metrics-staging", folder: "Billing (staging)" },
  production: { namespace: "rsolv-production", deployment: "rsolv-platform", rules: "prometheus-billing-rules-production", am: "alertmanager-billing-production", uid: "billing-metrics", folder: "Billing" },
} as const;

describe.each(["staging", "production"] as const)("the %s stack", (stack) => {
  const expected = EXPECTED[stack];
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack);
  });

  it("declares exactly its components and their children: production also owns the Alertmanager configuration and reads staging", () => {
    const stackResource = `pulumi:pulumi:Stack::billing-monitoring-${stack}`;
    const tree = run.resources.map((r) => `${r.type} ${r.name} <- ${r.parent === stackResource ? "stack" : (r.parent ?? "none")}`);
    const annotation = tree.filter((line) => line.startsWith("grafana:oss/annotation:Annotation"));
    expect(annotation).toEqual([expect.stringMatching(/^grafana:oss\/annotation:Annotation billing-dashboards-deploy-[0-9a-f]{12} <- billing-monitoring:dashboards:Dashboards::billing-dashboards$/)]);
    expect(tree.filter((line) => !annotation.includes(line)).sort()).toEqual(
      [
        `pulumi:pulumi:Stack billing-monitoring-${stack} <- none`,
        "billing-monitoring:alerts:AlertRules billing-alert-rules <- stack",
        "kubernetes:core/v1:ConfigMap billing-alert-rules-rules <- billing-monitoring:alerts:AlertRules::billing-alert-rules",
        "billing-monitoring:dashboards:Dashboards billing-dashboards <- stack",
        "pulumi:providers:grafana billing-dashboards-grafana <- billing-monitoring:dashboards:Dashboards::billing-dashboards",
        "grafana:oss/folder:Folder billing-dashboards-folder <- billing-monitoring:dashboards:Dashboards::billing-dashboards",
        `grafana:oss/dashboard:Dashboard billing-dashboards-${expected.uid} <- billing-monitoring:dashboards:Dashboards::billing-dashboards`,
        "billing-monitoring:rollout:AppRollout app-rollout <- stack",
        "kubernetes:apps/v1:DeploymentPatch app-rollout-image <- billing-monitoring:rollout:AppRollout::app-rollout",
        "billing-monitoring:reload:ConfigReload prometheus-reload <- stack",
        "kubernetes:apps/v1:DeploymentPatch prometheus-reload-sidecar <- billing-monitoring:reload:ConfigReload::prometheus-reload",
        "pulumi:providers:kubernetes kubernetes <- stack",
        ...(stack === "production"
          ? [
              "pulumi:pulumi:StackReference promotion-source <- stack",
              "billing-monitoring:alerting:AlertmanagerRouting billing-alertmanager <- stack",
              "kubernetes:core/v1:ConfigMap billing-alertmanager-config <- billing-monitoring:alerting:AlertmanagerRouting::billing-alertmanager",
              "kubernetes:core/v1:Secret billing-alertmanager-credentials <- billing-monitoring:alerting:AlertmanagerRouting::billing-alertmanager",
              "billing-monitoring:reload:ConfigReload alertmanager-reload <- stack",
              "kubernetes:apps/v1:DeploymentPatch alertmanager-reload-sidecar <- billing-monitoring:reload:ConfigReload::alertmanager-reload",
            ]
          : []),
      ].sort(),
    );
  });

  it("puts the rule file in its own ConfigMap in the monitoring namespace", () => {
    const configMap = byName(run, "billing-alert-rules-rules");
    expect(metadata(configMap)).toMatchObject({ name: expected.rules, namespace: "monitoring" });
    expect(Object.keys(data(configMap))).toEqual(["billing-alerts.yml"]);
  });

  it("renders the seven seed alerts, Watchdog, the absent-metrics alert, a page and a ticket per SLO and the alerting pipeline's, for this environment", () => {
    const alerts = ruleFile(run).groups.flatMap((group) => group.rules.filter((rule) => rule.alert));
    const slos = ["BillingPaymentSuccess", "StripeWebhookLatency", "BillingApiLatency"].flatMap((stem) => [`${stem}ErrorBudgetBurnPage`, `${stem}ErrorBudgetBurnTicket`]);
    const pipeline = ["AlertmanagerNotificationsFailing", "PrometheusRuleEvaluationFailures", "PrometheusAlertmanagerUnreachable", "PrometheusNotificationsDropped", "PrometheusNotificationQueueFull", "PrometheusConfigReloadFailed", "AlertmanagerConfigReloadFailed"];
    // Every one of them; an alert added since is welcome beside them.
    const declared = alerts.map((rule) => rule.alert);
    expect([...SEED_ALERTS, "Watchdog", "BillingMetricsAbsent", ...slos, ...pipeline].filter((alert) => !declared.includes(alert))).toEqual([]);
    for (const rule of alerts) expect(rule.labels?.environment).toBe(stack);
  });

  it("selects only this stack's app series: every raw billing metric in a rule carries the namespace matcher", () => {
    const rules = ruleFile(run).groups.flatMap((group) => group.rules);
    // A raw metric name is not part of a recorded name (level:metric:operations) and may carry a selector.
    const rawMetric = /(?<![:\w])(rsolv_billing_\w+)(\{[^}]*\})?(?![\w:])/g;
    const selectors = rules.flatMap((rule) => [...rule.expr.matchAll(rawMetric)].map((m) => ({ metric: m[1], selector: m[2] ?? "" })));
    expect(selectors.length).toBeGreaterThan(5);
    for (const { metric, selector } of selectors) expect({ metric, selector }).toEqual({ metric, selector: expect.stringContaining(`namespace="${expected.namespace}"`) });
  });

  it("writes the stack's own thresholds, durations and severities into its rules (the seed's unless its stack file sets others)", () => {
    const alerts = Object.fromEntries(ruleFile(run).groups.flatMap((g) => g.rules).filter((r) => r.alert).map((r) => [r.alert!, r]));
    // The threshold: the number the expression's first comparison compares with, exactly (0.15 is not 0.1).
    const threshold = (expr: string): number | undefined => {
      const number = /\s(?:>|>=|<|<=|==)\s(-?[\d.]+(?:e[-+]?\d+)?)(?=\s|$)/.exec(expr)?.[1];
      return number === undefined ? undefined : Number(number);
    };
    const cfg = stackConfig(stack);
    const expected: [string, number, string, string][] = [
      ["BillingPaymentFailureRateHigh", cfg.paymentFailureWarningRatio, cfg.paymentFailureWarningFor.text, "warning"],
      ["BillingPaymentFailureRateCritical", cfg.paymentFailureCriticalRatio, cfg.paymentFailureCriticalFor.text, "critical"],
      ["StripeWebhookFailureRateHigh", cfg.webhookFailureRatio, cfg.webhookFailureFor.text, "warning"],
      ["StripeWebhookProcessingDurationHigh", cfg.webhookDurationP95Seconds, cfg.webhookDurationFor.text, "warning"],
      ["SubscriptionCancellationRateHigh", cfg.cancellationRatio, cfg.cancellationFor.text, "warning"],
      ["BillingCreditGrantAnomalyDetected", cfg.creditGrantP99Threshold, cfg.creditGrantFor.text, "info"],
    ];
    for (const [name, value, forText, severity] of expected) {
      expect({ name, threshold: threshold(alerts[name].expr), for: alerts[name].for, severity: alerts[name].labels?.severity }).toEqual({ name, threshold: value, for: forText, severity });
    }
    // The stall alert has no threshold but a window: no webhook in webhookStalledWindow.
    const stalled = alerts.StripeWebhooksStalled;
    expect({ windows: [...new Set(stalled.expr.match(/\[[^\]]+\]/g))], for: stalled.for, severity: stalled.labels?.severity }).toEqual({ windows: [`[${cfg.webhookStalledWindow.text}]`], for: cfg.webhookStalledFor.text, severity: "info" });
  });

  it("declares the Alertmanager configuration and templates in a ConfigMap, the SMTP password in a Secret, if it owns the configuration", () => {
    if (stack === "staging") {
      expect({ owner: run.outputs.alertmanagerOwner, objects: run.resources.filter((r) => r.name.startsWith("billing-alertmanager")).map((r) => r.name) }).toEqual({ owner: false, objects: [] });
      return;
    }
    expect(run.outputs.alertmanagerOwner).toBe(true);
    const configMap = byName(run, "billing-alertmanager-config");
    expect(metadata(configMap)).toMatchObject({ name: expected.am, namespace: "monitoring" });
    expect(Object.keys(data(configMap)).sort()).toEqual(["alertmanager.yml", "billing-email.tmpl"]);
    const config = parse(data(configMap)["alertmanager.yml"]);
    expect(config.global).toMatchObject({
      smtp_smarthost: "smtp.postmarkapp.com:587",
      smtp_auth_username: "test-postmark-access-key",
      smtp_auth_password_file: "/etc/alertmanager/secrets/billing/smtp-password",
      smtp_require_tls: true,
    });
    const recipients = Object.fromEntries(config.receivers.map((r: { name: string; email_configs?: { to: string }[] }) => [r.name, r.email_configs?.[0].to]));
    expect(recipients).toEqual({
      "billing-critical": "admin@rsolv.dev, billing-oncall@rsolv.dev",
      // Email failing is also emailed to the critical recipients, beside the integrations set.
      "billing-email-failing": "admin@rsolv.dev, billing-oncall@rsolv.dev",
      "billing-warning": "admin@rsolv.dev, alerts@rsolv.dev",
      "billing-info": "alerts@rsolv.dev",
      "billing-default": "admin@rsolv.dev",
      "billing-non-paging": "alerts@rsolv.dev",
      heartbeat: undefined,
      "non-paging-watchdog": undefined,
      // Other teams' alerts on the same Alertmanager: never a billing receiver.
      "other-alerts": "admin@rsolv.dev",
    });
    const secret = byName(run, "billing-alertmanager-credentials");
    expect(metadata(secret)).toMatchObject({ name: `${expected.am}-credentials`, namespace: "monitoring" });
    expect(Object.keys(secret.inputs.stringData as object)).toEqual(["smtp-password"]);
  });

  it("provisions the billing dashboard into its folder, with the ten seed panels", () => {
    expect(single(run, TYPES.folder).inputs.title).toBe(expected.folder);
    const dashboard = single(run, TYPES.dashboard);
    expect(dashboard.inputs).toMatchObject({ folder: "billing-dashboards-folder-uid", overwrite: true });
    const json = JSON.parse(dashboard.inputs.configJson as string);
    expect(json.uid).toBe(expected.uid);
    expect(json.refresh).toBe("30s");
    const titles = json.panels.filter((p: { type: string }) => p.type !== "row").map((p: { title: string }) => p.title);
    expect(titles).toEqual(expect.arrayContaining(SEED_PANELS));
    expect(single(run, TYPES.grafanaProvider).inputs.url).toBe("https://grafana.rsolv.dev");
  });

  it("sets the app image with a server-side-apply patch of that one field", () => {
    const patch = byName(run, "app-rollout-image");
    expect(patch.inputs).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: expected.deployment, namespace: expected.namespace, annotations: { "pulumi.com/patchForce": "true" } },
      spec: { template: { spec: { containers: [{ name: "rsolv-platform", image: "ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104" }] } } },
    });
    expect(run.outputs.image).toBe("ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104");
  });

  it("deploys Kubernetes objects through the explicit provider with server-side apply", () => {
    expect(single(run, TYPES.k8sProvider).inputs.enableServerSideApply).toBe("true");
  });
});

describe("stack config reaches the content", () => {
  it("a per-stack threshold changes the alert's expression and its prose together", async () => {
    const run = await runStack("staging", { config: { paymentFailureWarningRatio: "0.2", paymentFailureWarningFor: "30m" } });
    const rule = ruleFile(run).groups.flatMap((g) => g.rules).find((r) => r.alert === "BillingPaymentFailureRateHigh")!;
    expect(rule.expr).toMatch(/ > 0\.2\n/);
    expect(rule.for).toBe("30m");
    expect(rule.annotations?.description).toContain("above 20% for 30 minutes");
  });

  it("a digest pins the image", async () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    const image = `ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104@${digest}`;
    const run = await runStack("production", { config: { imageDigest: digest }, stackOutputs: { "rsolv-dev/billing-monitoring/staging": { image } } });
    expect(run.outputs.image).toBe(image);
  });

  it("prometheusOperator: true delivers the rules as a PrometheusRule alone, with the selector's labels: no ConfigMap, no Prometheus patch", async () => {
    const [configMapMode, operator] = await Promise.all([
      runStack("production"),
      runStack("production", { config: { prometheusOperator: "true", prometheusRuleLabels: JSON.stringify({ release: "kube-prometheus-stack" }) } }),
    ]);
    const rule = single(operator, TYPES.prometheusRule);
    expect(rule.inputs.metadata).toEqual({
      name: "prometheus-billing-rules-production",
      namespace: "monitoring",
      labels: { "app.kubernetes.io/part-of": "billing-monitoring", "app.kubernetes.io/managed-by": "pulumi", "billing-monitoring/environment": "production", release: "kube-prometheus-stack" },
    });
    // The same groups as the rule file the ConfigMap mode mounts, rule for rule.
    expect(rule.inputs.spec).toEqual({ groups: ruleFile(configMapMode).groups });
    expect(operator.resources.filter((r) => r.name === "billing-alert-rules-rules" || r.name.startsWith("prometheus-reload-"))).toEqual([]);
    expect({ prometheusRule: operator.outputs.prometheusRule, rulesConfigMap: operator.outputs.rulesConfigMap, hash: operator.outputs.ruleFileHash }).toEqual({
      prometheusRule: "prometheus-billing-rules-production",
      rulesConfigMap: undefined,
      hash: configMapMode.outputs.ruleFileHash,
    });
  });
  it("an integration the declared Alertmanager lacks stops the stack before anything is declared, naming its key, alertmanagerVersion and the release it needs", async () => {
    for (const integration of INTEGRATIONS.filter((i) => i.alertmanagerRelease !== undefined)) {
      const run = await attemptStack("production", { secrets: { [integration.secret]: integration.standIn }, mode: "preview" });
      expect({ integration: integration.name, exitCode: run.exitCode, types: run.resources.map((r) => r.type) }).toEqual({ integration: integration.name, exitCode: 32, types: ["pulumi:pulumi:Stack"] });
      expect(failureOf(run).join("\n")).toContain(
        `billing-monitoring:${integration.secret} (${integration.name} through ${integration.alertmanager.key}) needs Alertmanager ${integration.alertmanagerRelease} or later, but billing-monitoring:alertmanagerVersion is ${OLDEST_SUPPORTED.alertmanager}`,
      );
    }
  });

  it("prometheusOperator: true routes through an AlertmanagerConfig with the selector's labels, its Secret holding exactly the credentials its selectors name, and writes no Alertmanager ConfigMap or patch", async () => {
    const integrations = integrationsOn();
    const secrets = { ...integrations.secrets, heartbeatUrl: "https://heartbeat.example/ping/test-only-heartbeat-path" };
    const config = { ...integrations.config, prometheusOperator: "true", alertmanagerConfigLabels: JSON.stringify({ alertmanagerConfig: "billing" }) };
    const [production, staging] = await Promise.all([runStack("production", { config, secrets }), runStack("staging", { config, secrets })]);
    const files = ["heartbeat-url", "smtp-password", ...INTEGRATIONS.map((integration) => integration.file)].sort();
    const object = single(production, "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig");
    expect(object.inputs.metadata).toEqual({
      name: "billing-production",
      namespace: "rsolv-production",
      labels: { "app.kubernetes.io/part-of": "billing-monitoring", "app.kubernetes.io/managed-by": "pulumi", "billing-monitoring/environment": "production", alertmanagerConfig: "billing" },
    });
    // Every SecretKeySelector ({key, name}) anywhere in the spec.
    const selectors: string[] = [];
    JSON.stringify(object.inputs.spec, (_key, value: unknown) => {
      const selector = value as { key?: unknown; name?: unknown };
      if (value && typeof value === "object" && Object.keys(value).sort().join() === "key,name" && typeof selector.key === "string") selectors.push(`${String(selector.name)}/${selector.key}`);
      return value;
    });
    expect([...new Set(selectors)].sort()).toEqual(files.map((key) => `alertmanager-billing-production-credentials/${key}`));
    const secret = single(production, TYPES.secret);
    expect({ namespace: metadata(secret).namespace, files: Object.keys(secret.inputs.stringData as object).sort() }).toEqual({ namespace: "rsolv-production", files });
    // Staging does not page: its Secret carries the SMTP password alone, whatever else is set.
    expect(Object.keys(single(staging, TYPES.secret).inputs.stringData as object)).toEqual(["smtp-password"]);
    for (const run of [production, staging]) {
      expect(run.resources.filter((r) => r.type.endsWith("Patch")).map((r) => r.name)).toEqual(["app-rollout-image"]);
      expect(run.outputs.alertmanagerConfigMap).toBeUndefined();
    }
    expect(production.outputs.alertmanagerConfig).toBe("rsolv-production/billing-production");
    expect(staging.outputs.alertmanagerConfig).toBe("rsolv-staging/billing-staging");
  });
});
