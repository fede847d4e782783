/**
 * The promotion gate: production runs only the image staging exports. The pure rule first, then the program through
 * the local engine with staging's outputs given by the test.
 */
import { promotionProblem, sameImage } from "../../gates/promotion";
import { runStack, TYPES } from "../helpers/stack";

const REPO = "ghcr.io/rsolv-dev/rsolv-platform";
const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const STAGING = "rsolv-dev/billing-monitoring/staging";
/** Production's committed image (Pulumi.production.yaml). */
const PRODUCTION_IMAGE = `${REPO}:billing-monitoring-20251104`;

describe("sameImage", () => {
  it.each([
    ["the same tag", `${REPO}:v1`, `${REPO}:v1`, true],
    ["another tag", `${REPO}:v1`, `${REPO}:v2`, false],
    ["another repository, same tag", `${REPO}:v1`, "ghcr.io/rsolv-dev/other:v1", false],
    ["the same digest, with and without tag", `${REPO}:v1@${D1}`, `${REPO}@${D1}`, true],
    ["the same digest under two tags", `${REPO}:v1@${D1}`, `${REPO}:v1-again@${D1}`, true],
    ["the same tag, two digests", `${REPO}:v1@${D1}`, `${REPO}:v1@${D2}`, false],
    ["a tag against the same tag pinned", `${REPO}:v1`, `${REPO}:v1@${D1}`, false],
    ["a registry with a port", `localhost:5000/app:v1@${D1}`, `localhost:5000/app@${D1}`, true],
  ])("%s", (_what, a, b, same) => {
    expect([sameImage(a, b), sameImage(b, a)]).toEqual([same, same]);
  });
});

describe("promotionProblem", () => {
  it("passes the image staging runs", () => {
    expect(promotionProblem({ stack: "production", image: `${REPO}:v1`, sourceStack: STAGING, sourceImage: `${REPO}:v1` })).toBeUndefined();
  });

  it("names both images, the source stack and the override when they differ", () => {
    expect(promotionProblem({ stack: "production", image: `${REPO}:v2`, sourceStack: STAGING, sourceImage: `${REPO}:v1` })).toBe(
      "Promotion gate: ghcr.io/rsolv-dev/rsolv-platform:v2 has not run in rsolv-dev/billing-monitoring/staging, which runs ghcr.io/rsolv-dev/rsolv-platform:v1; deploy it there first (pulumi up --stack rsolv-dev/billing-monitoring/staging), or, in an emergency only: pulumi config set billing-monitoring:skipPromotionGate true --stack production",
    );
  });

  it("refuses when the source stack exports no image", () => {
    expect(promotionProblem({ stack: "production", image: `${REPO}:v1`, sourceStack: STAGING, sourceImage: undefined })).toBe(
      "Promotion gate: stack rsolv-dev/billing-monitoring/staging exports no image, so nothing is known to have run there; deploy the image there first (pulumi up --stack rsolv-dev/billing-monitoring/staging), or, in an emergency only: pulumi config set billing-monitoring:skipPromotionGate true --stack production",
    );
  });
});

describe("the production stack behind the gate", () => {
  it("proceeds with the image staging exports, reading the configured staging stack", async () => {
    const run = await runStack("production", { stackOutputs: { [STAGING]: { image: PRODUCTION_IMAGE } } });
    expect(run.resources.filter((r) => r.type === TYPES.stackReference).map((r) => r.inputs.name)).toEqual([STAGING]);
    expect([run.outputs.image, run.outputs.promotion]).toEqual([PRODUCTION_IMAGE, "verified: rsolv-dev/billing-monitoring/staging runs it"]);
  });

  it("by default is recorded after staging ran its committed config, which runs the same image", async () => {
    const run = await runStack("production");
    expect(run.outputs.promotion).toBe("verified: rsolv-dev/billing-monitoring/staging runs it");
  });

  it("fails with the clear message when staging runs another image", async () => {
    await expect(runStack("production", { stackOutputs: { [STAGING]: { image: `${REPO}:billing-monitoring-20251101` } } })).rejects.toThrow(
      "Promotion gate: ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104 has not run in rsolv-dev/billing-monitoring/staging, which runs ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251101; deploy it there first (pulumi up --stack rsolv-dev/billing-monitoring/staging), or, in an emergency only: pulumi config set billing-monitoring:skipPromotionGate true --stack production",
    );
  });

  it("fails when staging exports no image", async () => {
    await expect(runStack("production", { stackOutputs: { [STAGING]: { environment: "staging" } } })).rejects.toThrow(/^Promotion gate: stack rsolv-dev\/billing-monitoring\/staging exports no image/);
  });

  it("reads the stack named in config", async () => {
    const other = "acme/billing-monitoring/preprod";
    const run = await runStack("production", { config: { promotionSourceStack: other }, stackOutputs: { [other]: { image: PRODUCTION_IMAGE } } });
    expect(run.resources.filter((r) => r.type === TYPES.stackReference).map((r) => r.inputs.name)).toEqual([other]);
  });

  it("with the emergency override proceeds without reading staging, and says so in its outputs", async () => {
    const run = await runStack("production", { config: { skipPromotionGate: "true" }, stackOutputs: {} });
    expect(run.resources.filter((r) => r.type === TYPES.stackReference)).toEqual([]);
    expect([run.outputs.image, run.outputs.promotion]).toEqual([PRODUCTION_IMAGE, "skipped: rsolv-dev/billing-monitoring/staging not consulted"]);
    expect(run.resources.find((r) => r.name === "app-rollout-image")?.inputs.spec).toEqual({ template: { spec: { containers: [{ name: "rsolv-platform", image: PRODUCTION_IMAGE }] } } });
  });

  it("staging is not gated and reads no other stack", async () => {
    const run = await runStack("staging", { stackOutputs: {} });
    expect([run.resources.filter((r) => r.type === TYPES.stackReference), run.outputs.promotion]).toEqual([[], "ungated"]);
  });

  it("the local engine refuses a stack read it was not given, as it refuses an unknown call", async () => {
    await expect(runStack("production", { stackOutputs: {} })).rejects.toThrow(
      "the local engine was not told how to answer a read of stack rsolv-dev/billing-monitoring/staging (no outputs were given for it)",
    );
  });
});
