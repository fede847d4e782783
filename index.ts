/**
 * Composition root: load and check the stack's config, build the content, declare the four parts, return the
 * stack outputs. Pulumi calls the default export; the tests and the renderer call it under mocks.
 *   1. Prometheus alert rules (ConfigMap, optionally a PrometheusRule)
 *   2. Alertmanager routing (ConfigMap + credentials Secret)
 *   3. Grafana folder, dashboard and deployment annotation
 *   4. The app's image, rolled out by a server-side-apply patch
 */
import { createHash } from "node:crypto";

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { buildAlertmanagerConfig, buildRuleGroups, configHoldsSecrets, emailTemplates, RULE_FILE, ruleFileDocument } from "./alerts";
import { CONFIG_FILE, SECRET_FILES } from "./alerts/routing";
import { AlertRules } from "./components/alert-rules";
import { AlertmanagerRouting } from "./components/alertmanager-routing";
import { AppRollout } from "./components/app-rollout";
import { Dashboards } from "./components/dashboards";
import { loadConfig } from "./config";
import { billingDashboard, deploymentTags } from "./dashboards/billing";
import { toJson, toYaml } from "./serialize";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export default function billingMonitoring() {
  const { config, secrets } = loadConfig();

  const labels = {
    "app.kubernetes.io/part-of": "billing-monitoring",
    "app.kubernetes.io/managed-by": "pulumi",
    "billing-monitoring/environment": config.environment,
  };

  const kubernetes = new k8s.Provider("kubernetes", {
    ...(config.kubeContext ? { context: config.kubeContext } : {}),
    enableServerSideApply: true,
  });

  // 1. Alert rules
  const ruleDocument = ruleFileDocument(buildRuleGroups(config));
  const ruleFile = toYaml(ruleDocument);
  const rules = new AlertRules(
    "billing-alert-rules",
    {
      namespace: config.monitoring.namespace,
      configMapName: config.monitoring.rulesConfigMap,
      fileName: RULE_FILE,
      ruleFile,
      ...(config.monitoring.prometheusRule ? { prometheusRuleSpec: { groups: ruleDocument.groups } } : {}),
      labels,
    },
    { providers: [kubernetes] },
  );

  // 2. Alertmanager routing
  const secretFiles: Record<string, pulumi.Output<string>> = { [SECRET_FILES.smtpPassword]: secrets.smtpPassword };
  if (secrets.slackWebhookUrl) secretFiles[SECRET_FILES.slackWebhookUrl] = secrets.slackWebhookUrl;
  if (secrets.pagerdutyRoutingKey) secretFiles[SECRET_FILES.pagerdutyRoutingKey] = secrets.pagerdutyRoutingKey;
  const alertmanagerFiles: Record<string, string> = { ...emailTemplates() };
  let alertmanagerConfig: pulumi.Output<string>;
  if (configHoldsSecrets(config)) {
    alertmanagerConfig = pulumi
      .all([secrets.smtpPassword, secrets.heartbeatUrl ?? pulumi.output("")])
      .apply(([token, heartbeatUrl]) =>
        toYaml(
          buildAlertmanagerConfig(config, {
            ...(config.alerting.smtpLogin === "server-token" ? { smtpServerToken: token } : {}),
            ...(heartbeatUrl ? { heartbeatUrl } : {}),
          }),
        ),
      );
    secretFiles[CONFIG_FILE] = alertmanagerConfig;
  } else {
    alertmanagerFiles[CONFIG_FILE] = toYaml(buildAlertmanagerConfig(config));
    alertmanagerConfig = pulumi.output(alertmanagerFiles[CONFIG_FILE]);
  }
  const routing = new AlertmanagerRouting(
    "billing-alertmanager",
    {
      namespace: config.monitoring.namespace,
      configMapName: config.monitoring.alertmanagerConfigMap,
      secretName: config.monitoring.alertmanagerSecret,
      files: alertmanagerFiles,
      secretFiles,
      labels,
    },
    { providers: [kubernetes] },
  );

  // 3. Grafana
  const dashboards = new Dashboards("billing-dashboards", {
    url: config.grafana.url,
    token: secrets.grafanaToken,
    folderTitle: config.grafana.folder,
    dashboards: [{ uid: config.grafana.dashboardUid, json: toJson(billingDashboard(config)) }],
    deployment: {
      text: `Deployed ${config.app.image.reference} to ${config.app.namespace}`,
      tags: deploymentTags(config),
      id: sha256(config.app.image.reference).slice(0, 12),
    },
  });

  // 4. App rollout
  const rollout = new AppRollout(
    "app-rollout",
    {
      namespace: config.app.namespace,
      deployment: config.app.deployment,
      container: config.app.container,
      image: config.app.image.reference,
    },
    { providers: [kubernetes] },
  );

  const configDirectory = configHoldsSecrets(config) ? config.monitoring.alertmanagerSecretPath : config.monitoring.alertmanagerConfigPath;

  return {
    environment: config.environment,
    image: rollout.image,
    appNamespace: config.app.namespace,
    rulesConfigMap: rules.configMapName,
    ruleFileHash: sha256(ruleFile),
    alertmanagerConfigMap: routing.configMapName,
    alertmanagerSecret: routing.secretName,
    alertmanagerConfigFile: `${configDirectory}/${CONFIG_FILE}`,
    alertmanagerConfigHash: alertmanagerConfig.apply(sha256),
    dashboardUrl: `${config.grafana.url}/d/${config.grafana.dashboardUid}`,
    grafanaFolderUid: dashboards.folderUid,
  };
}
