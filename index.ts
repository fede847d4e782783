/**
 * Composition root: load and check the stack's config, build the content, declare the parts, return the stack
 * outputs. The module's whole export is the program function (see the end of this file).
 *   0. Promotion gate: a gated stack (production) reads its source stack's image first, and stops on a mismatch
 *   1. Prometheus alert rules (ConfigMap, optionally a PrometheusRule), and Prometheus restarted when they change
 *   2. Alertmanager routing (ConfigMap + credentials Secret), and Alertmanager restarted when they change: only in
 *      the stack that owns the shared Alertmanager's configuration, which first checks no routed stack owns it too.
 *      In operator mode every stack declares its own AlertmanagerConfig instead, and the owner the email templates
 *   3. Grafana folder, dashboard and deployment annotation
 *   4. The app's image, rolled out by a server-side-apply patch
 */
import { createHash } from "node:crypto";

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { buildAlertmanagerConfig, buildRuleGroups, RULE_FILE, ruleFileDocument } from "./alerts";
import { alertmanagerConfigSpec, HEARTBEAT_FILE, selectedFiles } from "./alerts/operator";
import { alertmanagerPlacement, CONFIG_FILE, emailTemplates, SECRET_FILES, uncoveredEmailFailure } from "./alerts/routing";
import { INTEGRATIONS } from "./alerts/integrations";
import { AlertRules } from "./components/alert-rules";
import { AlertmanagerRouting } from "./components/alertmanager-routing";
import { AppRollout } from "./components/app-rollout";
import { ConfigReload, type ConfigReloadArgs, filesHash, type WatchedVolume } from "./components/config-reload";
import { Dashboards } from "./components/dashboards";
import { OperatorRouting } from "./components/operator-routing";
import { type BillingConfig, PROJECT, type SecretKey } from "./config";
import { loadConfig, type Secrets, stackless } from "./config/load";
import { billingDashboard, deploymentTags } from "./dashboards/billing";
import { promotionProblem } from "./gates/promotion";
import { toJson, toYaml } from "./common/serialize";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");


/** One StackReference per stack read: the promotion gate and the ownership check may read the same stack. */
const stackReferences = new Map<string, pulumi.StackReference>();
function stackReference(name: string, resourceName: string): pulumi.StackReference {
  let reference = stackReferences.get(name);
  if (!reference) {
    reference = new pulumi.StackReference(resourceName, { name });
    stackReferences.set(name, reference);
  }
  return reference;
}

/** Reads the source stack's image and throws unless it is this stack's; says how the gate was passed. */
async function promotionGate(config: BillingConfig): Promise<string> {
  if (!config.promotion) return "ungated";
  const { sourceStack, skip } = config.promotion;
  if (skip) {
    pulumi.log.warn(`Promotion gate skipped (skipPromotionGate): ${config.app.image.reference} is deployed without checking that ${sourceStack} runs it`);
    return `skipped: ${sourceStack} not consulted`;
  }
  const source = stackReference(sourceStack, "promotion-source");
  const exported = await source.getOutputDetails("image");
  const problem = promotionProblem({ stack: config.stack, image: config.app.image.reference, sourceStack, sourceImage: exported.value ?? exported.secretValue });
  if (problem) throw stackless(new pulumi.RunError(problem));
  return `verified: ${sourceStack} runs it`;
}

async function billingMonitoring() {
  const { config, secrets } = loadConfig();
  // Before anything else is declared: a refused image leaves the whole stack untouched.
  const promotion = await promotionGate(config);
  await ownershipCheck(config);
  const timeoutSeconds = config.app.rolloutTimeout.seconds;

  const labels = {
    "app.kubernetes.io/part-of": "billing-monitoring",
    "app.kubernetes.io/managed-by": "pulumi",
    "billing-monitoring/environment": config.environment,
  };

  const kubernetes = new k8s.Provider("kubernetes", {
    ...(config.kubeContext ? { context: config.kubeContext } : {}),
    enableServerSideApply: true,
    // Our ConfigMaps and Secret have fixed names (Prometheus and Alertmanager mount them by name). Replacing one
    // (the provider's default on a data change) deletes it before creating it again; updating keeps it in place.
    enableConfigMapMutable: true,
    enableSecretMutable: true,
  });

  // 1. Alert rules
  const ruleDocument = ruleFileDocument(buildRuleGroups(config));
  const ruleFile = toYaml(ruleDocument);
  const operator = config.operator;
  const rules = new AlertRules(
    "billing-alert-rules",
    {
      namespace: config.monitoring.namespace,
      name: config.monitoring.rulesConfigMap,
      fileName: RULE_FILE,
      ruleFile,
      ...(operator ? { prometheusRule: { spec: { groups: ruleDocument.groups }, labels: operator.prometheusRuleLabels } } : {}),
      labels,
    },
    { providers: [kubernetes] },
  );
  // The operator's Prometheus reloads a PrometheusRule by itself; a mounted ConfigMap needs the reload patch.
  const ruleFileHash = operator
    ? pulumi.output(filesHash({ [RULE_FILE]: ruleFile }))
    : new ConfigReload(
        "prometheus-reload",
        {
          namespace: config.monitoring.namespace,
          deployment: config.monitoring.prometheusDeployment,
          kind: config.settings.prometheusWorkload,
          method: reloadMethod(config, "rules", [{ kind: "configMap", object: config.monitoring.rulesConfigMap }]),
          files: { [RULE_FILE]: ruleFile },
          timeoutSeconds,
          contentObjects: [rules.object],
        },
        { providers: [kubernetes] },
      ).hash;

  // 2. Alertmanager routing, by the one stack that owns the shared Alertmanager's configuration
  const alertmanager = operator
    ? operatorRouting(config, secrets, labels, kubernetes)
    : config.alerting.owner
      ? alertmanagerRouting(config, secrets, labels, kubernetes, timeoutSeconds)
      : undefined;

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
      timeoutSeconds,
    },
    { providers: [kubernetes] },
  );

  return {
    environment: config.environment,
    image: rollout.image,
    promotion,
    appNamespace: config.app.namespace,
    ...(operator ? { prometheusRule: rules.objectName } : { rulesConfigMap: rules.objectName }),
    ruleFileHash,
    // Read by the owner of the Alertmanager configuration from every stack it routes (ownershipCheck).
    alertmanagerOwner: config.alerting.owner !== undefined,
    ...(alertmanager ?? {}),
    dashboardUrl: `${config.grafana.url}/d/${config.grafana.dashboardUid}`,
    grafanaFolderUid: dashboards.folderUid,
    // The releases the rules and routing are written for: `npm run verify` fails on a live server older than these.
    targetReleases: { prometheus: config.settings.prometheusVersion!, alertmanager: config.settings.alertmanagerVersion! },
  };
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
function operatorRouting(config: BillingConfig, secrets: Secrets, labels: Record<string, string>, kubernetes: k8s.Provider) {
  const { operator, monitoring: m, app } = config;
  const secretName = m.alertmanagerSecret;
  const spec = alertmanagerConfigSpec(config, secretName);
  const secretKeyOfFile: Record<string, SecretKey> = {
    [SECRET_FILES.smtpPassword]: "smtpPassword",
    [HEARTBEAT_FILE]: "heartbeatUrl",
    ...Object.fromEntries(INTEGRATIONS.map((integration) => [integration.file, integration.secret])),
  };
  const routing = new OperatorRouting(
    "billing-alertmanager",
    {
      namespace: app.namespace,
      name: operator!.alertmanagerConfigName,
      spec,
      selectorLabels: operator!.alertmanagerConfigLabels,
      secretName,
      secretFiles: Object.fromEntries(selectedFiles(spec).map((file) => [file, secretOf(secrets, secretKeyOfFile[file])])),
      ...(config.alerting.owner ? { templates: { namespace: m.namespace, name: m.alertmanagerConfigMap, files: emailTemplates() } } : {}),
      labels,
    },
    { providers: [kubernetes] },
  );
  return {
    alertmanagerConfig: pulumi.interpolate`${app.namespace}/${routing.alertmanagerConfigName}`,
    alertmanagerSecret: routing.secretName,
    alertmanagerConfigHash: sha256(toYaml(spec)),
    ...(routing.templatesConfigMapName
      ? {
          // What the operator's Alertmanager must be given (README, "On kube-prometheus-stack").
          alertmanagerTemplates: { configMap: routing.templatesConfigMapName, glob: `/etc/alertmanager/configmaps/${m.alertmanagerConfigMap}/*.tmpl` },
        }
      : {}),
  };
}

/** The Alertmanager configuration (ConfigMap, or Secret when it must hold a secret), its credentials and its restart. */
function alertmanagerRouting(config: BillingConfig, secrets: Secrets, labels: Record<string, string>, kubernetes: k8s.Provider, timeoutSeconds: number) {
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
      namespace: config.monitoring.namespace,
      configMapName: config.monitoring.alertmanagerConfigMap,
      secretName: config.monitoring.alertmanagerSecret,
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
      namespace: config.monitoring.namespace,
      deployment: config.monitoring.alertmanagerDeployment,
      kind: config.settings.alertmanagerWorkload,
      method: reloadMethod(config, "alertmanager", [
        { kind: "configMap", object: config.monitoring.alertmanagerConfigMap },
        { kind: "secret", object: config.monitoring.alertmanagerSecret },
      ]),
      files: { ...placement.configMapFiles, ...secretFiles },
      timeoutSeconds,
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
 * One Alertmanager loads one configuration: the owner reads every stack it routes and stops, before anything is
 * declared, when one of them writes the configuration too.
 */
async function ownershipCheck(config: BillingConfig): Promise<void> {
  const owner = config.alerting.owner;
  if (!owner) return;
  const target = `${config.monitoring.namespace}/${config.monitoring.alertmanagerDeployment}`;
  const routedEnvironments: unknown[] = [];
  for (const stack of owner.routedStacks) {
    const routed = stackReference(stack, `routed-${stack.replace(/\//g, "-")}`);
    routedEnvironments.push((await routed.getOutputDetails("environment")).value);
    const owns = (await routed.getOutputDetails("alertmanagerOwner")).value;
    if (owns === true) {
      const name = stack.split("/").pop();
      throw stackless(
        new pulumi.RunError(
          `Stack ${stack} also writes the configuration of the Alertmanager ${target}, which this stack (${config.stack}) owns: one Alertmanager loads one configuration, so the last \`pulumi up\` would silently decide the routing of both. Nothing was deployed. Let this stack route both environments and run: pulumi config set alertmanagerOwner false --stack ${name}`,
        ),
      );
    }
  }
  // A paging environment no routed stack has is a misspelling that would keep an outage from paging. Judged when
  // the list was set, or when the default ("production") is meant for this stack, the production one; and only when
  // every routed stack says its environment (one never deployed exports none). A staging stack that owns an
  // Alertmanager of its own keeps the default and pages for nothing.
  const pagingEnvironments = config.alerting.paging.environments;
  const defaulted = pagingEnvironments.length === 1 && pagingEnvironments[0] === "production";
  if ((!defaulted || config.stack === "production") && routedEnvironments.every((environment) => typeof environment === "string")) {
    const routes = [config.environment, ...(routedEnvironments as string[])];
    const unknown = pagingEnvironments.filter((environment) => !routes.includes(environment));
    if (unknown.length > 0) {
      throw stackless(
        new pulumi.RunError(
          `${PROJECT}:pagingEnvironments: ${unknown.map((environment) => JSON.stringify(environment)).join(", ")} is not an environment this Alertmanager configuration routes, so no alert would ever page for it; allowed: ${[...new Set(routes)].join(", ")} (this stack's environment and those of routedStacks). Nothing was deployed.`,
        ),
      );
    }
  }
}

/**
 * Pulumi's language host (`@pulumi/pulumi/cmd/run`) `require`s this module and calls what it gets only when that is
 * a function; the function's result becomes the stack outputs. `export =` makes the function the module itself.
 * `export default` would compile to `exports.default = fn`, which is never called: the stack would declare nothing
 * (pulumi/pulumi#4017). test/program/entry.program.test.ts guards this.
 */
export = billingMonitoring;

/**
 * How a stack's content goes live on a shared Prometheus or Alertmanager. Either way the environment is in what the
 * stack owns (the sidecar's container name, the annotation's DNS-subdomain prefix), so staging and production each
 * own their own and never reload or restart each other's content.
 */
function reloadMethod(config: BillingConfig, content: "rules" | "alertmanager", volumes: readonly WatchedVolume[]): ConfigReloadArgs["method"] {
  const settings = config.settings;
  if (settings.configReload === "restart") return { kind: "restart", annotation: `${config.environment}.billing-monitoring/${content}-sha256` };
  return {
    kind: "sidecar",
    sidecar: {
      container: reloaderContainerName(`billing-${content}-reloader-${config.environment}`),
      image: settings.configReloaderImage!,
      volumes,
      reload:
        content === "rules"
          ? { method: "signal", process: "prometheus", runtimeInfoUrl: `${settings.prometheusLocalUrl!}/api/v1/status/runtimeinfo` }
          : { method: "http", reloadUrl: `${settings.alertmanagerLocalUrl!}/-/reload` },
    },
  };
}

/** A container name (a DNS label, with room for the `-<n>` of its volumes): a long environment is cut and hashed. */
function reloaderContainerName(name: string): string {
  return name.length <= 60 ? name : `${name.slice(0, 47)}-${sha256(name).slice(0, 12)}`;
}
