/**
 * Composition root: load and check the stack's config, build the content, declare the parts, return the stack
 * outputs. The module's whole export is the program function (see the end of this file).
 *   0. Gates (gates/): a gated stack (production) reads its source stack's image and stops on a mismatch; the owner
 *      of the shared Alertmanager's configuration stops when a routed stack owns it too. Nothing is declared before.
 *   1. Prometheus alert rules (ConfigMap, optionally a PrometheusRule) and their reload
 *   2. Alertmanager routing (ConfigMap + credentials Secret) and its reload: only in the stack that owns the shared
 *      Alertmanager's configuration. In operator mode every stack declares its own AlertmanagerConfig instead
 *   3. Grafana folder, dashboard and deployment annotation
 *   4. The app's image, rolled out by a server-side-apply patch
 */
import * as k8s from "@pulumi/kubernetes";

import { RELEASE_FEATURES } from "./alerts/integrations";
import { sha256 } from "./common/hash";
import { toJson } from "./common/serialize";
import { declareAlertmanagerRouting, declareAlertRules, declareOperatorRouting } from "./components/alerting";
import { AppRollout } from "./components/app-rollout";
import { Dashboards } from "./components/dashboards";
import { loadConfig } from "./config/load";
import { billingDashboard, deploymentTags } from "./dashboards/billing";
import { ownershipCheck } from "./gates/ownership";
import { promotionGate } from "./gates/promotion";

async function billingMonitoring() {
  const { config, secrets } = loadConfig(RELEASE_FEATURES);
  // Before anything else is declared: a refused image, or a second owner, leaves the whole stack untouched.
  const promotion = await promotionGate(config);
  await ownershipCheck(config);

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
  const { rules, ruleFileHash } = declareAlertRules(config, labels, kubernetes);

  // 2. Alertmanager routing, by the one stack that owns the shared Alertmanager's configuration
  const alertmanager = config.prometheusOperator
    ? declareOperatorRouting(config, secrets, labels, kubernetes)
    : config.alertmanagerOwner
      ? declareAlertmanagerRouting(config, secrets, labels, kubernetes)
      : undefined;

  // 3. Grafana
  const dashboards = new Dashboards("billing-dashboards", {
    url: config.grafanaUrl,
    token: secrets.grafanaToken,
    folderTitle: config.grafanaFolder,
    dashboards: [{ uid: config.dashboardUid, json: toJson(billingDashboard(config)) }],
    deployment: {
      text: `Deployed ${config.image.reference} to ${config.appNamespace}`,
      tags: deploymentTags(config),
      id: sha256(config.image.reference).slice(0, 12),
    },
  });

  // 4. App rollout
  const rollout = new AppRollout(
    "app-rollout",
    {
      namespace: config.appNamespace,
      deployment: config.appDeployment,
      container: config.appContainer,
      image: config.image.reference,
      timeoutSeconds: config.rolloutTimeout.seconds,
    },
    { providers: [kubernetes] },
  );

  return {
    environment: config.environment,
    image: rollout.image,
    promotion,
    appNamespace: config.appNamespace,
    ...(config.prometheusOperator ? { prometheusRule: rules.objectName } : { rulesConfigMap: rules.objectName }),
    ruleFileHash,
    // Read by the owner of the Alertmanager configuration from every stack it routes (gates/ownership.ts).
    alertmanagerOwner: config.alertmanagerOwner,
    ...(alertmanager ?? {}),
    dashboardUrl: `${config.grafanaUrl}/d/${config.dashboardUid}`,
    grafanaFolderUid: dashboards.folderUid,
    // The releases the rules and routing are written for: `npm run verify` fails on a live server older than these.
    targetReleases: { prometheus: config.prometheusVersion, alertmanager: config.alertmanagerVersion },
  };
}

/**
 * Pulumi's language host (`@pulumi/pulumi/cmd/run`) `require`s this module and calls what it gets only when that is
 * a function; the function's result becomes the stack outputs. `export =` makes the function the module itself.
 * `export default` would compile to `exports.default = fn`, which is never called: the stack would declare nothing
 * (pulumi/pulumi#4017). test/program/entry.program.test.ts guards this.
 */
export = billingMonitoring;
