/**
 * The Prometheus and Alertmanager side of the stack, declared from its config: the rule file and its reload, the
 * Alertmanager configuration with its credentials and reload (the owner), or the AlertmanagerConfig (operator mode).
 * index.ts composes these; each function only declares components.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { buildAlertmanagerConfig, buildRuleGroups, RULE_FILE, ruleFileDocument } from "../alerts";
import { INTEGRATIONS } from "../alerts/integrations";
import { alertmanagerConfigSpec, HEARTBEAT_FILE, selectedFiles } from "../alerts/operator";
import { alertmanagerPlacement, CONFIG_FILE, emailTemplates, SECRET_FILES, uncoveredEmailFailure } from "../alerts/routing";
import { sha256 } from "../common/hash";
import { toYaml } from "../common/serialize";
import type { BillingConfig, SecretKey } from "../config";
import type { Secrets } from "../config/load";
import { AlertRules } from "./alert-rules";
import { AlertmanagerRouting } from "./alertmanager-routing";
import { ConfigReload, type ConfigReloadArgs, filesHash, type WatchedVolume } from "./config-reload";
import { OperatorRouting } from "./operator-routing";

/**
 * The rule file, as a ConfigMap (or, in operator mode, a PrometheusRule the operator's Prometheus reloads by itself),
 * and its reload onto the stack's Prometheus. Returns the component and the rule file's hash.
 */
export function declareAlertRules(config: BillingConfig, labels: Record<string, string>, kubernetes: k8s.Provider) {
  const ruleDocument = ruleFileDocument(buildRuleGroups(config));
  const ruleFile = toYaml(ruleDocument);
  const operator = config.prometheusOperator;
  const rules = new AlertRules(
    "billing-alert-rules",
    {
      namespace: config.monitoringNamespace,
      name: config.rulesConfigMap,
      fileName: RULE_FILE,
      ruleFile,
      ...(operator ? { prometheusRule: { spec: { groups: ruleDocument.groups }, labels: config.prometheusRuleLabels } } : {}),
      labels,
    },
    { providers: [kubernetes] },
  );
  const ruleFileHash = operator
    ? pulumi.output(filesHash({ [RULE_FILE]: ruleFile }))
    : new ConfigReload(
        "prometheus-reload",
        {
          namespace: config.monitoringNamespace,
          deployment: config.prometheusDeployment,
          kind: config.prometheusWorkload,
          method: reloadMethod(config, "rules", [{ kind: "configMap", object: config.rulesConfigMap }]),
          files: { [RULE_FILE]: ruleFile },
          timeoutSeconds: config.rolloutTimeout.seconds,
          contentObjects: [rules.object],
        },
        { providers: [kubernetes] },
      ).hash;
  return { rules, ruleFileHash };
}

/** A secret the config uses; loadConfig requires every one of them. */
function secretOf(secrets: Secrets, key: SecretKey): pulumi.Output<string> {
  const value = secrets[key];
  if (!value) throw new Error(`${key} is not set`);
  return value;
}

/**
 * Operator mode: this stack's AlertmanagerConfig with the Secret its selectors read (only the files they name), and
 * from the owner the templates every stack's email configs render.
 */
export function declareOperatorRouting(config: BillingConfig, secrets: Secrets, labels: Record<string, string>, kubernetes: k8s.Provider) {
  const secretName = config.alertmanagerSecret;
  const spec = alertmanagerConfigSpec(config, secretName);
  const secretKeyOfFile: Record<string, SecretKey> = {
    [SECRET_FILES.smtpPassword]: "smtpPassword",
    [HEARTBEAT_FILE]: "heartbeatUrl",
    ...Object.fromEntries(INTEGRATIONS.map((integration) => [integration.file, integration.secret])),
  };
  const routing = new OperatorRouting(
    "billing-alertmanager",
    {
      namespace: config.appNamespace,
      name: config.alertmanagerConfigName,
      spec,
      selectorLabels: config.alertmanagerConfigLabels,
      secretName,
      secretFiles: Object.fromEntries(selectedFiles(spec).map((file) => [file, secretOf(secrets, secretKeyOfFile[file])])),
      ...(config.alertmanagerOwner ? { templates: { namespace: config.monitoringNamespace, name: config.alertmanagerConfigMap, files: emailTemplates() } } : {}),
      labels,
    },
    { providers: [kubernetes] },
  );
  return {
    alertmanagerConfig: pulumi.interpolate`${config.appNamespace}/${routing.alertmanagerConfigName}`,
    alertmanagerSecret: routing.secretName,
    alertmanagerConfigHash: sha256(toYaml(spec)),
    ...(routing.templatesConfigMapName
      ? {
          // What the operator's Alertmanager must be given (docs/operator-mode.md).
          alertmanagerTemplates: { configMap: routing.templatesConfigMapName, glob: `/etc/alertmanager/configmaps/${config.alertmanagerConfigMap}/*.tmpl` },
        }
      : {}),
  };
}

/** The Alertmanager configuration (ConfigMap, or Secret when it must hold a secret), its credentials and its restart. */
export function declareAlertmanagerRouting(config: BillingConfig, secrets: Secrets, labels: Record<string, string>, kubernetes: k8s.Provider) {
  const placement = alertmanagerPlacement(config);
  if (placement.warning) pulumi.log.warn(placement.warning);
  const uncovered = uncoveredEmailFailure(config);
  if (uncovered) pulumi.log.warn(uncovered);
  const secret = (key: SecretKey): pulumi.Output<string> => secretOf(secrets, key);
  const secretFiles: Record<string, pulumi.Output<string>> = Object.fromEntries(Object.entries(placement.secretFiles).map(([file, key]) => [file, secret(key)]));
  const inline = placement.inline;
  const configFile = inline
    ? pulumi
        .all(Object.fromEntries(Object.entries(inline).flatMap(([name, key]) => (key ? [[name, secret(key)]] : []))))
        .apply((values) => toYaml(buildAlertmanagerConfig(config, values)))
    : pulumi.output(placement.configMapFiles[CONFIG_FILE]);
  if (inline) secretFiles[CONFIG_FILE] = configFile;
  const routing = new AlertmanagerRouting(
    "billing-alertmanager",
    {
      namespace: config.monitoringNamespace,
      configMapName: config.alertmanagerConfigMap,
      secretName: config.alertmanagerSecret,
      files: placement.configMapFiles,
      secretFiles,
      labels,
    },
    { providers: [kubernetes] },
  );
  // Over the credentials too, so a rotated SMTP password is read.
  const reload = new ConfigReload(
    "alertmanager-reload",
    {
      namespace: config.monitoringNamespace,
      deployment: config.alertmanagerDeployment,
      kind: config.alertmanagerWorkload,
      method: reloadMethod(config, "alertmanager", [
        { kind: "configMap", object: config.alertmanagerConfigMap },
        { kind: "secret", object: config.alertmanagerSecret },
      ]),
      files: { ...placement.configMapFiles, ...secretFiles },
      timeoutSeconds: config.rolloutTimeout.seconds,
      contentObjects: [routing],
    },
    { providers: [kubernetes] },
  );
  return {
    alertmanagerConfigMap: routing.configMapName,
    alertmanagerSecret: routing.secretName,
    alertmanagerConfigFile: placement.configFile,
    alertmanagerConfigHash: configFile.apply(sha256),
    alertmanagerFilesHash: reload.hash,
  };
}

/**
 * How a stack's content goes live on a shared Prometheus or Alertmanager. Either way the environment is in what the
 * stack owns (the sidecar's container name, the annotation's DNS-subdomain prefix), so staging and production each
 * own their own and never reload or restart each other's content.
 */
function reloadMethod(config: BillingConfig, content: "rules" | "alertmanager", volumes: readonly WatchedVolume[]): ConfigReloadArgs["method"] {
  if (config.configReload === "restart") return { kind: "restart", annotation: `${config.environment}.billing-monitoring/${content}-sha256` };
  return {
    kind: "sidecar",
    sidecar: {
      container: reloaderContainerName(`billing-${content}-reloader-${config.environment}`),
      image: config.configReloaderImage,
      volumes,
      reload:
        content === "rules"
          ? { method: "signal", process: "prometheus", runtimeInfoUrl: `${config.prometheusLocalUrl}/api/v1/status/runtimeinfo` }
          : { method: "http", reloadUrl: `${config.alertmanagerLocalUrl}/-/reload` },
    },
  };
}

/** A container name (a DNS label, with room for the `-<n>` of its volumes): a long environment is cut and hashed. */
function reloaderContainerName(name: string): string {
  return name.length <= 60 ? name : `${name.slice(0, 47)}-${sha256(name).slice(0, 12)}`;
}
