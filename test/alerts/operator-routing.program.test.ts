/**
 * Operator mode routes as the ConfigMap mode does. Both stacks run in operator mode through the program; their
 * AlertmanagerConfig objects and Secrets, as declared, are converted the way prometheus-operator converts them
 * (test/helpers/operator-conversion.ts: namespace matcher, `continue`, receiver prefixes) on top of
 * kube-prometheus-stack's default configuration; then amtool (Alertmanager 0.25's own code) checks the result and
 * routes every alert of both rule files, beside the one configuration the production stack deploys in ConfigMap mode.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { INTEGRATIONS } from "../../alerts/integrations";
import type { AlertmanagerConfig, Route } from "../../alerts/routing";
import { toYaml } from "../../common/serialize";
import { mountedAlertmanagerConfig, removeMounted, type MountedConfig } from "../helpers/alertmanager-config";
import { parseMatcher } from "../helpers/alertmanager-semantics";
import { checkConfig, routeReceivers } from "../helpers/amtool";
import { kubePrometheusStackBase, operatorConfig, type SelectedObject } from "../helpers/operator-conversion";
import type { RuleFile, RuleFileRule } from "../helpers/rule-file";
import { integrationsOn, runStack, single, TEST_SECRETS, TYPES } from "../helpers/stack";
import type { StackRun } from "../../tools/engine/program";

const OPERATOR = { prometheusOperator: "true", prometheusRuleLabels: JSON.stringify({ release: "kube-prometheus-stack" }) };
const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";
const STACKS = ["production", "staging"] as const;

/** The object as the operator reads it from the cluster: its spec, and the Secrets of its namespace. */
function selected(run: StackRun): SelectedObject {
  const object = single(run, ALERTMANAGER_CONFIG).inputs as { metadata: { name: string; namespace: string }; spec: Record<string, unknown> };
  const secrets = run.resources.filter((r) => r.type === TYPES.secret && (r.inputs.metadata as { namespace: string }).namespace === object.metadata.namespace);
  return {
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    spec: object.spec,
    secrets: Object.fromEntries(secrets.map((s) => [(s.inputs.metadata as { name: string }).name, s.inputs.stringData as Record<string, string>])),
  };
}

const alertsOf = (run: StackRun): RuleFileRule[] => (single(run, TYPES.prometheusRule).inputs.spec as RuleFile).groups.flatMap((group) => group.rules).filter((rule) => rule.alert);

/** Each leaf route an alert lands on, with the grouping and timing it inherits, as Alertmanager resolves them. */
type Effective = Pick<Route, "receiver" | "group_by" | "group_wait" | "group_interval" | "repeat_interval" | "active_time_intervals">;
function effectiveRoutes(route: Route, labels: Record<string, string>, inherited: Effective = { receiver: "" }): Effective[] {
  if (!(route.matchers ?? []).every((text) => {
    const m = parseMatcher(text);
    const actual = labels[m.name] ?? "";
    return m.op === "=" ? actual === m.value : m.op === "!=" ? actual !== m.value : new RegExp(`^(?:${m.value})$`).test(actual) === (m.op === "=~");
  })) return [];
  const here: Effective = {
    receiver: route.receiver,
    group_by: route.group_by ?? inherited.group_by,
    group_wait: route.group_wait ?? inherited.group_wait,
    group_interval: route.group_interval ?? inherited.group_interval,
    repeat_interval: route.repeat_interval ?? inherited.repeat_interval,
    ...(route.active_time_intervals ? { active_time_intervals: route.active_time_intervals } : {}),
  };
  const found: Effective[] = [];
  for (const child of route.routes ?? []) {
    const below = effectiveRoutes(child, labels, here);
    found.push(...below);
    if (below.length > 0 && !child.continue) break;
  }
  return found.length > 0 ? found : [here];
}

describe("operator mode: the AlertmanagerConfig objects, converted as the operator does, route as the ConfigMap mode", () => {
  let runs: Record<(typeof STACKS)[number], StackRun>;
  let objects: SelectedObject[];
  let mounted: MountedConfig;
  let root: string;
  let convertedFile: string;
  let converted: AlertmanagerConfig & { mute_time_intervals?: { name: string; time_intervals: unknown[] }[] };

  beforeAll(async () => {
    const [production, staging, configMapMode] = await Promise.all([runStack("production", { config: OPERATOR }), runStack("staging", { config: OPERATOR }), mountedAlertmanagerConfig("production")]);
    runs = { production, staging };
    mounted = configMapMode;
    objects = [selected(production), selected(staging)];
    root = fs.mkdtempSync(path.join(os.tmpdir(), "billing-operator-"));
    // The owner's templates ConfigMap, as the Alertmanager's spec.configMaps mounts it.
    const templates = production.resources.find((r) => r.type === TYPES.configMap)!.inputs.data as Record<string, string>;
    fs.mkdirSync(path.join(root, "templates"));
    for (const [file, content] of Object.entries(templates)) fs.writeFileSync(path.join(root, "templates", file), content);
    converted = operatorConfig(kubePrometheusStackBase(path.join(root, "templates", "*.tmpl")), objects) as unknown as typeof converted;
    convertedFile = path.join(root, "alertmanager.yaml");
    fs.writeFileSync(convertedFile, toYaml(converted), { mode: 0o600 });
  });
  afterAll(() => {
    removeMounted(mounted);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("GIVEN operator mode WHEN both stacks run THEN each declares one AlertmanagerConfig in its app namespace and a Secret beside it holding only what its selectors name, and no routing ConfigMap or reload patch", () => {
    expect(objects.map(({ namespace, name, secrets }) => ({ namespace, name, secrets }))).toEqual([
      { namespace: "rsolv-production", name: "billing-production", secrets: { "alertmanager-billing-production-credentials": { "smtp-password": TEST_SECRETS.smtpPassword } } },
      { namespace: "rsolv-staging", name: "billing-staging", secrets: { "alertmanager-billing-staging-credentials": { "smtp-password": TEST_SECRETS.smtpPassword } } },
    ]);
    for (const run of Object.values(runs)) {
      expect(run.resources.filter((r) => r.type.endsWith("Patch") && r.name !== "app-rollout-image")).toEqual([]);
      expect(run.resources.filter((r) => r.type === TYPES.configMap && r.name !== "billing-alertmanager-templates").map((r) => r.name)).toEqual([]);
    }
    // Only the owner ships the templates, in the Alertmanager's namespace.
    expect(runs.production.resources.filter((r) => r.type === TYPES.configMap).map((r) => (r.inputs.metadata as { namespace: string }).namespace)).toEqual(["monitoring"]);
    expect(runs.staging.resources.filter((r) => r.type === TYPES.configMap)).toEqual([]);
    expect(runs.production.outputs.alertmanagerTemplates).toEqual({ configMap: "alertmanager-billing-production", glob: "/etc/alertmanager/configmaps/alertmanager-billing-production/*.tmpl" });
  });

  it("GIVEN the converted configuration WHEN amtool check-config reads it THEN it loads, templates included", () => {
    const result = checkConfig(convertedFile);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
    expect(result.stdout).toContain(" - 1 templates");
  });

  it.each(STACKS)("GIVEN every alert of the %s rule file WHEN amtool routes it in both forms THEN it reaches the same receivers, grouped and timed alike", (stack) => {
    const alerts = alertsOf(runs[stack]);
    // The seed's 22 alerts at least (an alert added since is routed too): the comparison is not over nothing.
    expect(alerts.length).toBeGreaterThanOrEqual(22);
    const prefix = `rsolv-${stack}/billing-${stack}/`;
    // Failing email has a route of its own, by the label the expression adds: routed both ways too.
    const extraLabels = (alert: string): Record<string, string>[] => (alert === "AlertmanagerNotificationsFailing" ? [{}, { integration: "email" }] : [{}]);
    for (const rule of alerts) for (const extra of extraLabels(rule.alert!)) {
      const labels: Record<string, string> = { alertname: rule.alert!, ...rule.labels, ...extra };
      // Every alert names the namespace the operator matches its object's routes by.
      expect(labels.namespace).toBe(`rsolv-${stack}`);
      const configMapForm = routeReceivers(mounted.configFile, labels);
      // kube-prometheus-stack's own Watchdog route still takes the Watchdog after ours (our top route continues).
      const expected = [...configMapForm.map((name) => prefix + name), ...(rule.alert === "Watchdog" ? ["null"] : [])];
      expect({ alert: rule.alert, receivers: routeReceivers(convertedFile, labels) }).toEqual({ alert: rule.alert, receivers: expected });
      const unprefixed = effectiveRoutes(converted.route, labels)
        .filter((route) => route.receiver.startsWith(prefix))
        .map((route) => ({ ...route, receiver: route.receiver.slice(prefix.length), ...(route.active_time_intervals ? { active_time_intervals: route.active_time_intervals.map((name) => name.slice(prefix.length)) } : {}) }));
      expect({ alert: rule.alert, routes: unprefixed }).toEqual({ alert: rule.alert, routes: effectiveRoutes(mounted.parsed.route, labels) });
    }
  });

  it("GIVEN each object's receivers WHEN compared with the one configuration's THEN they carry the same emails, with its global SMTP login and the password from the Secret", () => {
    const global = mounted.parsed.global;
    for (const object of objects) {
      const prefix = `${object.namespace}/${object.name}/`;
      const ours = converted.receivers.filter((r) => r.name.startsWith(prefix));
      expect(ours.length).toBeGreaterThanOrEqual(2);
      for (const receiver of ours) {
        const original = mounted.parsed.receivers.find((r) => r.name === receiver.name.slice(prefix.length))!;
        const login = { smarthost: global.smtp_smarthost, from: global.smtp_from, auth_username: global.smtp_auth_username, auth_password: fs.readFileSync(global.smtp_auth_password_file!, "utf8") };
        expect(receiver).toEqual({ ...original, name: receiver.name, ...(original.email_configs ? { email_configs: original.email_configs.map((email) => ({ ...email, ...login })) } : {}) });
      }
    }
  });

  it("GIVEN the inhibition rules and business hours WHEN converted THEN each object keeps the one configuration's, within its own namespace", () => {
    const ownRules = converted.inhibit_rules.slice(kubePrometheusStackBase("").inhibit_rules.length);
    expect(ownRules).toEqual(
      objects.flatMap(({ namespace }) =>
        mounted.parsed.inhibit_rules.map((rule) => ({ ...rule, source_matchers: [...rule.source_matchers, `namespace="${namespace}"`], target_matchers: [...rule.target_matchers, `namespace="${namespace}"`] })),
      ),
    );
    // Only the paging environment uses business hours; v1alpha1 has no time zone, so the stack allows UTC alone.
    const { location, ...hours } = mounted.parsed.time_intervals[0].time_intervals[0];
    expect(location).toBe("UTC");
    expect(converted.mute_time_intervals).toEqual([{ name: "rsolv-production/billing-production/business-hours", time_intervals: [hours] }]);
  });

  describe("the conversion's checks can fail", () => {
    const critical = (): Record<string, string> => ({ alertname: "BillingPaymentFailureRateCritical", ...alertsOf(runs.production).find((r) => r.alert === "BillingPaymentFailureRateCritical")!.labels });

    it("GIVEN an alert without its namespace label WHEN routed THEN the operator's namespace matcher lets it fall to kube-prometheus-stack's null receiver", () => {
      const { namespace: _dropped, ...labels } = critical();
      expect(routeReceivers(convertedFile, labels)).toEqual(["null"]);
      expect(routeReceivers(convertedFile, critical())).toEqual(["rsolv-production/billing-production/billing-critical"]);
    });

    it("GIVEN the production object placed in the monitoring namespace WHEN converted THEN production's critical alert reaches nobody", () => {
      const moved = operatorConfig(kubePrometheusStackBase(path.join(root, "templates", "*.tmpl")), [{ ...objects[0], namespace: "monitoring" }, objects[1]]);
      const file = path.join(root, "moved.yaml");
      fs.writeFileSync(file, toYaml(moved));
      expect(routeReceivers(file, critical())).toEqual(["null"]);
    });
  });
});

describe("operator mode with every integration on", () => {
  it("GIVEN every integration set WHEN the production object is converted as the operator does THEN its severity receivers carry each one (none dropped), its credential from the Secret, and amtool of the release they need loads it", async () => {
    const integrations = integrationsOn();
    const run = await runStack("production", { config: { ...OPERATOR, ...integrations.config }, secrets: integrations.secrets });
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "billing-operator-integrations-"));
    try {
      const templates = run.resources.find((r) => r.type === TYPES.configMap)!.inputs.data as Record<string, string>;
      fs.mkdirSync(path.join(root, "templates"));
      for (const [file, content] of Object.entries(templates)) fs.writeFileSync(path.join(root, "templates", file), content);
      const converted = operatorConfig(kubePrometheusStackBase(path.join(root, "templates", "*.tmpl")), [selected(run)]);
      const file = path.join(root, "alertmanager.yaml");
      fs.writeFileSync(file, toYaml(converted), { mode: 0o600 });
      const result = checkConfig(file, "current");
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
      const receiver = (name: string) => converted.receivers.find((r) => r.name === `rsolv-production/billing-production/${name}`)!;
      for (const integration of INTEGRATIONS) {
        const expected = [{ [integration.alertmanager.credentialField]: integrations.secrets[integration.secret] }];
        expect({ integration: integration.name, configs: receiver(`billing-${integration.severity}`)[integration.alertmanager.key] }).toMatchObject({ integration: integration.name, configs: expected });
        if (integration.emailFailing) expect({ integration: integration.name, configs: receiver("billing-email-failing")[integration.alertmanager.key] }).toMatchObject({ integration: integration.name, configs: expected });
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
