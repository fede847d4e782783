/**
 * ConfigReload through the program. By default (configReload `sidecar`) each stack patches one reloader sidecar of
 * its own into Prometheus' and Alertmanager's pods, and that patch never changes with the content: no change restarts
 * them. With configReload `restart`, Prometheus and Alertmanager restart when, and only when, what they read changed:
 * the stack is run twice and the pod-template annotations compared. Either way the ConfigMaps are updated in place.
 */
import { createHash } from "node:crypto";

import { declaredRuleFile, type RecordedResource, type StackRun } from "../../tools/engine/program";
import { anotherWarningRatio, runStack, single, stackConfig, TYPES } from "../helpers/stack";

const byName = (run: StackRun, name: string): RecordedResource => {
  const found = run.resources.filter((resource) => resource.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const podAnnotations = (run: StackRun, patch: string) =>
  ((byName(run, patch).inputs.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations);
const reloadAnnotations = (run: StackRun) => ({ prometheus: podAnnotations(run, "prometheus-reload-annotation"), alertmanager: podAnnotations(run, "alertmanager-reload-annotation") });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const ruleFileOf = declaredRuleFile;
const RESTART = { configReload: "restart" };
/** Another warning ratio than production's own: a change of the rules. */
const CHANGED_WARNING = String(anotherWarningRatio(stackConfig("production")));
/** Another group wait than production's: a change of the routing. */
const CHANGED_GROUP_WAIT = stackConfig("production").groupWait.text === "45s" ? "50s" : "45s";

const podSpec = (run: StackRun, patch: string) => (byName(run, patch).inputs.spec as { template: { spec: Record<string, unknown> } }).template.spec;

describe("configReload sidecar (the default)", () => {
  let staging: StackRun;
  let production: StackRun;
  beforeAll(async () => {
    [staging, production] = await Promise.all([runStack("staging"), runStack("production")]);
  });

  it("patches Prometheus once with a reloader of the stack's own: its rules ConfigMap mounted read-only, SIGHUP to prometheus in a shared process namespace", () => {
    expect(byName(production, "prometheus-reload-sidecar").inputs).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "prometheus", namespace: "monitoring", annotations: { "pulumi.com/patchForce": "true" } },
      spec: {
        template: {
          spec: {
            shareProcessNamespace: true,
            containers: [
              {
                name: "billing-rules-reloader-production",
                image: "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0",
                args: [
                  "--reload-method=signal",
                  "--process-executable-name=prometheus",
                  "--runtimeinfo-url=http://127.0.0.1:9090/api/v1/status/runtimeinfo",
                  "--watched-dir=/var/run/billing-reloader/billing-rules-reloader-production-0",
                  "--delay-interval=5s",
                  "--watch-interval=1m",
                ],
                volumeMounts: [{ name: "billing-rules-reloader-production-0", mountPath: "/var/run/billing-reloader/billing-rules-reloader-production-0", readOnly: true }],
                resources: { requests: { cpu: "10m", memory: "50Mi" }, limits: { memory: "50Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              },
            ],
            volumes: [{ name: "billing-rules-reloader-production-0", configMap: { name: "prometheus-billing-rules-production" } }],
          },
        },
      },
    });
    expect(production.resources.filter((r) => r.name.endsWith("-reload-annotation"))).toEqual([]);
  });

  it("patches Alertmanager (the owner only) with a reloader watching the configuration ConfigMap and the credentials Secret, reloading through /-/reload", () => {
    const pod = podSpec(production, "alertmanager-reload-sidecar") as { shareProcessNamespace?: boolean; containers: { name: string; args: string[] }[]; volumes: unknown[] };
    expect(pod.shareProcessNamespace).toBeUndefined();
    expect(pod.containers.map((c) => [c.name, c.args])).toEqual([
      [
        "billing-alertmanager-reloader-production",
        [
          "--reload-method=http",
          "--reload-url=http://127.0.0.1:9093/-/reload",
          "--watched-dir=/var/run/billing-reloader/billing-alertmanager-reloader-production-0",
          "--watched-dir=/var/run/billing-reloader/billing-alertmanager-reloader-production-1",
          "--delay-interval=5s",
          "--watch-interval=1m",
        ],
      ],
    ]);
    expect(pod.volumes).toEqual([
      { name: "billing-alertmanager-reloader-production-0", configMap: { name: "alertmanager-billing-production" } },
      { name: "billing-alertmanager-reloader-production-1", secret: { secretName: "alertmanager-billing-production-credentials" } },
    ]);
    expect(staging.resources.filter((r) => r.name.startsWith("alertmanager-reload"))).toEqual([]);
  });

  it("two stacks on one Prometheus each own their own container and volume", () => {
    const names = (run: StackRun) => {
      const pod = podSpec(run, "prometheus-reload-sidecar") as { containers: { name: string }[]; volumes: { name: string }[] };
      return [...pod.containers.map((c) => c.name), ...pod.volumes.map((v) => v.name)];
    };
    expect(names(staging)).toEqual(["billing-rules-reloader-staging", "billing-rules-reloader-staging-0"]);
    expect(names(production).some((name) => names(staging).includes(name))).toBe(false);
  });

  it("changed rules, routing and credentials leave both patches unchanged: nothing restarts, the reloader reloads", async () => {
    const changed = await runStack("production", { config: { paymentFailureWarningRatio: CHANGED_WARNING, groupWait: CHANGED_GROUP_WAIT }, secrets: { smtpPassword: "test-only-rotated-smtp-secret" } });
    expect(ruleFileOf(changed)).not.toBe(ruleFileOf(production));
    expect(changed.outputs.alertmanagerFilesHash).not.toBe(production.outputs.alertmanagerFilesHash);
    for (const patch of ["prometheus-reload-sidecar", "alertmanager-reload-sidecar"]) expect(byName(changed, patch).inputs).toEqual(byName(production, patch).inputs);
  });

  it("switching configReload updates the one patch in place: each method's patch answers to the other's name", async () => {
    const restart = await runStack("production", { config: RESTART });
    for (const server of ["prometheus", "alertmanager"]) {
      // Besides the type aliases the Kubernetes provider adds for the resource's older API versions.
      expect(byName(production, `${server}-reload-sidecar`).aliases).toContainEqual(expect.objectContaining({ spec: expect.objectContaining({ name: `${server}-reload-annotation` }) }));
      expect(byName(restart, `${server}-reload-annotation`).aliases).toContainEqual(expect.objectContaining({ spec: expect.objectContaining({ name: `${server}-reload-sidecar` }) }));
    }
  });

  it("prometheusLocalUrl and alertmanagerLocalUrl are where the reloaders reach their servers in the pod", async () => {
    const run = await runStack("production", { config: { prometheusLocalUrl: "http://127.0.0.1:9091/prom", alertmanagerLocalUrl: "http://localhost:9094" } });
    const args = (patch: string) => (podSpec(run, patch) as { containers: { args: string[] }[] }).containers[0].args;
    expect(args("prometheus-reload-sidecar")).toContain("--runtimeinfo-url=http://127.0.0.1:9091/prom/api/v1/status/runtimeinfo");
    expect(args("alertmanager-reload-sidecar")).toContain("--reload-url=http://localhost:9094/-/reload");
  });
});

// With configReload restart: only the stack that owns the Alertmanager configuration (production) restarts Alertmanager.
describe.each([
  ["staging", "staging.billing-monitoring/rules-sha256", undefined],
  ["production", "production.billing-monitoring/rules-sha256", "production.billing-monitoring/alertmanager-sha256"],
])("the %s stack", (stack, rulesKey, alertmanagerKey) => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack, { config: RESTART });
  });

  it("patches one pod-template annotation of its own onto the prometheus Deployment: the rule file's sha256", () => {
    expect(byName(run, "prometheus-reload-annotation").inputs).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "prometheus", namespace: "monitoring", annotations: { "pulumi.com/patchForce": "true" } },
      spec: { template: { metadata: { annotations: { [rulesKey]: sha256(ruleFileOf(run)) } } } },
    });
    expect(run.outputs.ruleFileHash).toBe(sha256(ruleFileOf(run)));
  });

  it("patches one pod-template annotation of its own onto the alertmanager Deployment, not marked secret, only if it owns the configuration", () => {
    if (!alertmanagerKey) {
      expect(run.resources.filter((r) => r.name.startsWith("alertmanager-") || r.name.startsWith("billing-alertmanager"))).toEqual([]);
      return;
    }
    const patch = byName(run, "alertmanager-reload-annotation");
    expect(patch.inputs.metadata).toEqual({ name: "alertmanager", namespace: "monitoring", annotations: { "pulumi.com/patchForce": "true" } });
    expect(Object.keys(podAnnotations(run, "alertmanager-reload-annotation"))).toEqual([alertmanagerKey]);
    expect(podAnnotations(run, "alertmanager-reload-annotation")[alertmanagerKey]).toMatch(/^[0-9a-f]{64}$/);
    expect(podAnnotations(run, "alertmanager-reload-annotation")[alertmanagerKey]).toBe(run.outputs.alertmanagerFilesHash);
    expect(patch.secretPaths).toEqual([]);
  });

  it("restarts only after the content is written: each patch waits for the objects it hashes", () => {
    expect(byName(run, "prometheus-reload-annotation").dependencies).toEqual(["kubernetes:core/v1:ConfigMap::billing-alert-rules-rules"]);
    if (!alertmanagerKey) return;
    expect(byName(run, "alertmanager-reload-annotation").dependencies).toEqual([
      "kubernetes:core/v1:ConfigMap::billing-alertmanager-config",
      "kubernetes:core/v1:Secret::billing-alertmanager-credentials",
    ]);
  });
});

describe("run twice", () => {
  let before: StackRun;
  beforeAll(async () => {
    before = await runStack("production", { config: RESTART });
  });

  it("unchanged content leaves both annotations as they were, so nothing restarts", async () => {
    const again = await runStack("production", { config: RESTART, fresh: true });
    expect(reloadAnnotations(again)).toEqual(reloadAnnotations(before));
  });

  it("a changed rule set changes Prometheus' annotation only, and updates the same named ConfigMap", async () => {
    const after = await runStack("production", { config: { ...RESTART, paymentFailureWarningRatio: CHANGED_WARNING } });
    const [old, changed] = [reloadAnnotations(before), reloadAnnotations(after)];
    expect(ruleFileOf(after)).not.toBe(ruleFileOf(before));
    expect(changed.prometheus).toEqual({ "production.billing-monitoring/rules-sha256": sha256(ruleFileOf(after)) });
    expect(changed.prometheus).not.toEqual(old.prometheus);
    expect(changed.alertmanager).toEqual(old.alertmanager);
    // Same Pulumi resource, same object: with enableConfigMapMutable an update in place, not a replacement.
    const [a, b] = [byName(before, "billing-alert-rules-rules"), byName(after, "billing-alert-rules-rules")];
    expect([b.type, b.name, b.inputs.metadata, b.provider]).toEqual([a.type, a.name, a.inputs.metadata, "pulumi:providers:kubernetes::kubernetes"]);
  });

  it("a changed Alertmanager route changes Alertmanager's annotation only", async () => {
    const after = await runStack("production", { config: { ...RESTART, groupWait: "45s" } });
    expect(reloadAnnotations(after).prometheus).toEqual(reloadAnnotations(before).prometheus);
    expect(reloadAnnotations(after).alertmanager).not.toEqual(reloadAnnotations(before).alertmanager);
  });

  it("a rotated SMTP password changes Alertmanager's annotation, which never holds the password", async () => {
    const after = await runStack("production", { config: RESTART, secrets: { smtpPassword: "test-only-rotated-smtp-secret" } });
    const annotation = reloadAnnotations(after).alertmanager;
    expect(annotation).not.toEqual(reloadAnnotations(before).alertmanager);
    expect(JSON.stringify(annotation)).not.toContain("test-only-rotated-smtp-secret");
  });
});

describe("the Kubernetes provider", () => {
  it("updates ConfigMaps and Secrets in place instead of replacing them", async () => {
    const provider = single(await runStack("production"), TYPES.k8sProvider);
    expect([provider.inputs.enableConfigMapMutable, provider.inputs.enableSecretMutable]).toEqual(["true", "true"]);
  });
});

describe("prometheusDeployment and alertmanagerDeployment", () => {
  it("name the Deployments the annotations go on", async () => {
    const run = await runStack("production", { config: { ...RESTART, prometheusDeployment: "prometheus-server", alertmanagerDeployment: "alertmanager-main", monitoringNamespace: "observability" } });
    expect(["prometheus-reload-annotation", "alertmanager-reload-annotation"].map((name) => byName(run, name).inputs.metadata)).toEqual([
      { name: "prometheus-server", namespace: "observability", annotations: { "pulumi.com/patchForce": "true" } },
      { name: "alertmanager-main", namespace: "observability", annotations: { "pulumi.com/patchForce": "true" } },
    ]);
  });
});

describe("on StatefulSets, as Helm charts run Prometheus and Alertmanager", () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack("production", { config: { ...RESTART, prometheusWorkload: "StatefulSet", alertmanagerWorkload: "StatefulSet", prometheusDeployment: "prometheus-kube-prometheus-prometheus", alertmanagerDeployment: "alertmanager-main" } });
  });

  it("patches the same annotations onto the StatefulSets, after the content, and waits for their rollout as long", () => {
    // In the order of their resource names (registration order follows the program's promises).
    const patches = run.resources.filter((r) => r.name.endsWith("-reload-annotation")).sort((a, b) => b.name.localeCompare(a.name));
    expect(patches.map((r) => ({ type: r.type, kind: r.inputs.kind, name: (r.inputs.metadata as { name: string }).name, keys: Object.keys(podAnnotations(run, r.name)), timeouts: r.customTimeouts, after: r.dependencies.length }))).toEqual([
      { type: "kubernetes:apps/v1:StatefulSetPatch", kind: "StatefulSet", name: "prometheus-kube-prometheus-prometheus", keys: ["production.billing-monitoring/rules-sha256"], timeouts: { create: "600s", update: "600s" }, after: 1 },
      { type: "kubernetes:apps/v1:StatefulSetPatch", kind: "StatefulSet", name: "alertmanager-main", keys: ["production.billing-monitoring/alertmanager-sha256"], timeouts: { create: "600s", update: "600s" }, after: 2 },
    ]);
    expect(run.resources.filter((r) => r.type === "kubernetes:apps/v1:DeploymentPatch").map((r) => r.name)).toEqual(["app-rollout-image"]);
  });
});
