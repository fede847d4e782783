/**
 * AppRollout through the program: each stack patches its own app Deployment, in its own namespace, and nothing else
 * there; Pulumi waits for the rollout as long as rolloutTimeout says.
 */
import type { RecordedResource, StackRun } from "../../tools/engine/program";
import { ofType, runStack, TYPES } from "../helpers/stack";

const metadata = (resource: RecordedResource) => (resource.inputs.metadata ?? {}) as { name?: string; namespace?: string };
const inNamespace = (run: StackRun, namespace: string) =>
  run.resources.filter((r) => metadata(r).namespace === namespace).map((r) => ({ type: r.type, name: metadata(r).name }));

const APP = {
  staging: { namespace: "rsolv-staging", deployment: "staging-rsolv-platform", other: "rsolv-production" },
  production: { namespace: "rsolv-production", deployment: "rsolv-platform", other: "rsolv-staging" },
} as const;

describe.each(["staging", "production"] as const)("the %s stack", (stack) => {
  const app = APP[stack];
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack(stack);
  });

  it("declares exactly one object in its app namespace: the image patch of its own Deployment", () => {
    expect(inNamespace(run, app.namespace)).toEqual([{ type: TYPES.deploymentPatch, name: app.deployment }]);
  });

  it("declares nothing in the other stack's app namespace, and uses no namespace besides its own and monitoring", () => {
    expect(inNamespace(run, app.other)).toEqual([]);
    expect([...new Set(run.resources.map((r) => metadata(r).namespace).filter(Boolean))].sort()).toEqual([app.namespace, "monitoring"].sort());
  });

  it("the image patch sets only the container image, through the explicit provider, and waits ten minutes by default", () => {
    const [patch] = ofType(run, TYPES.deploymentPatch).filter((r) => metadata(r).namespace === app.namespace);
    expect(patch.inputs.spec).toEqual({ template: { spec: { containers: [{ name: "rsolv-platform", image: "ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104" }] } } });
    expect([patch.provider, patch.customTimeouts]).toEqual(["pulumi:providers:kubernetes::kubernetes", { create: "600s", update: "600s" }]);
  });

  it("outputs the image and the namespace", () => {
    expect([run.outputs.image, run.outputs.appNamespace]).toEqual(["ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104", app.namespace]);
  });
});

describe("rolloutTimeout", () => {
  it("becomes the create and update timeout of every Deployment patch, in seconds", async () => {
    const run = await runStack("production", { config: { rolloutTimeout: "1h30m" } });
    const timeouts = Object.fromEntries(ofType(run, TYPES.deploymentPatch).map((r) => [r.name, r.customTimeouts]));
    expect(timeouts).toEqual({
      "app-rollout-image": { create: "5400s", update: "5400s" },
      "prometheus-reload-sidecar": { create: "5400s", update: "5400s" },
      "alertmanager-reload-sidecar": { create: "5400s", update: "5400s" },
    });
  });
});
