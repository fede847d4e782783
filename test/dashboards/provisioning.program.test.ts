/**
 * Through the local engine (the real index.ts under cmd/run): what each stack declares on Grafana. A folder, the dashboard in it, one
 * deployment annotation per rollout, all through a Grafana provider built from the stack's URL and token.
 */
import type { RecordedResource, StackRun } from "../../tools/engine/program";
import { type DashboardJson, dashboardOf } from "../helpers/dashboard-json";
import { runStack, single, TEST_SECRETS, TYPES } from "../helpers/stack";

/** From the seed: the image of the first rollout, and the Grafana every stack talks to. */
const SEED_IMAGE = "ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104";
const SEED_GRAFANA = "https://grafana.rsolv.dev";
/** Dashboard uids: the seed's `billing-metrics` in production; staging shares the Grafana, so it needs another. */
const EXPECTED = {
  staging: { uid: "billing-metrics-staging", namespace: "rsolv-staging" },
  production: { uid: "billing-metrics", namespace: "rsolv-production" },
} as const;

const COMPONENT = "billing-monitoring:dashboards:Dashboards::billing-dashboards";

describe.each(["staging", "production"] as const)("Grafana resources of the %s stack", (stack) => {
  let run: StackRun;
  let provider: RecordedResource;
  let dashboard: DashboardJson;
  beforeAll(async () => {
    run = await runStack(stack);
    provider = single(run, TYPES.grafanaProvider);
    dashboard = dashboardOf(run);
  });

  it("builds the Grafana provider from the stack's URL and token, the token marked secret", () => {
    expect(provider.inputs).toMatchObject({ url: SEED_GRAFANA, auth: TEST_SECRETS.grafanaToken });
    expect(provider.secretPaths).toEqual(["auth"]);
    expect(provider.parent).toBe(COMPONENT);
  });

  it("declares the folder, the dashboard and the annotation under the component, each through that provider", () => {
    const providerRef = `pulumi:providers:grafana::${provider.name}`;
    for (const type of [TYPES.folder, TYPES.dashboard, TYPES.annotation]) {
      const resource = single(run, type);
      expect({ type, parent: resource.parent, provider: resource.provider }).toEqual({ type, parent: COMPONENT, provider: providerRef });
    }
  });

  it("puts the dashboard, with its stable uid, into the folder and overwrites what Grafana holds", () => {
    const resource = single(run, TYPES.dashboard);
    expect(resource.inputs).toMatchObject({ folder: `${single(run, TYPES.folder).name}-uid`, overwrite: true });
    expect(dashboard.uid).toBe(EXPECTED[stack].uid);
    expect(run.outputs.dashboardUrl).toBe(`${SEED_GRAFANA}/d/${EXPECTED[stack].uid}`);
  });

  it("declares the rollout's annotation kept on delete, about the image, found by the dashboard's annotation query", () => {
    const annotation = single(run, TYPES.annotation);
    expect(annotation.retainOnDelete).toBe(true);
    expect(annotation.inputs.text).toBe(`Deployed ${SEED_IMAGE} to ${EXPECTED[stack].namespace}`);
    // Organisation-wide: a dashboard-scoped one would also match Grafana's built-in query and show twice.
    expect(annotation.inputs.dashboardUid).toBeUndefined();
    const tags = annotation.inputs.tags as string[];
    expect(tags).toEqual(expect.arrayContaining(["deploy", stack]));
    const queries = dashboard.annotations.list.filter((query) => query.datasource.type === "grafana" && query.target?.type === "tags");
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({ enable: true, target: { matchAny: false } });
    expect([...queries[0].target!.tags!].sort()).toEqual([...tags].sort());
  });
});

describe("one annotation per rollout", () => {
  const annotationOf = (run: StackRun) => single(run, TYPES.annotation);

  it("a new image is a new annotation resource (the old one stays in Grafana); the same image keeps its resource", async () => {
    // Staging: production's promotion gate would (rightly) refuse an image staging has not run.
    const first = annotationOf(await runStack("staging"));
    const again = annotationOf(await runStack("staging", { fresh: true }));
    const next = annotationOf(await runStack("staging", { config: { imageTag: "billing-monitoring-20251201" } }));
    const pinned = annotationOf(await runStack("staging", { config: { imageDigest: `sha256:${"ab".repeat(32)}` } }));
    expect(again.name).toBe(first.name);
    expect(new Set([first.name, next.name, pinned.name]).size).toBe(3);
    expect(next.inputs.text).toBe("Deployed ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251201 to rsolv-staging");
    for (const annotation of [first, next, pinned]) expect(annotation.name).toMatch(/^billing-dashboards-deploy-/);
  });

  it("staging's deploys do not show on the production dashboard, nor the other way round (both may share a Grafana)", async () => {
    const staging = await runStack("staging");
    const production = await runStack("production");
    // The query matches an annotation that carries all its tags (matchAny: false).
    const shows = (dashboardRun: StackRun, annotationRun: StackRun) => {
      const tags = annotationOf(annotationRun).inputs.tags as string[];
      return dashboardOf(dashboardRun).annotations.list.some((query) => query.target?.tags?.every((tag) => tags.includes(tag)));
    };
    expect({ own: [shows(staging, staging), shows(production, production)], other: [shows(staging, production), shows(production, staging)] }).toEqual({ own: [true, true], other: [false, false] });
  });
});
