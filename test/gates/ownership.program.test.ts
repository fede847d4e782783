/**
 * One Alertmanager loads one configuration, so one stack owns it (production by default) and routes every
 * environment. A stack set up the conflicting way, a routed stack that also writes the configuration, is refused
 * by the owner before anything is applied. The staging stack here is run for real and its outputs handed to
 * production, as the CLI's StackReference would read them.
 */
import type { ProgramRun } from "../../tools/engine/run";
import { attemptStack, runStack, TYPES } from "../helpers/stack";

const STAGING = "rsolv-dev/billing-monitoring/staging";
const errors = (run: ProgramRun): string[] => run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
const types = (run: ProgramRun): string[] => run.resources.map((r) => r.type);

describe("who writes the shared Alertmanager's configuration", () => {
  it("with the committed stack files: production only, and staging says so in its outputs", async () => {
    const [staging, production] = await Promise.all([runStack("staging"), runStack("production")]);
    const alertmanagerObjects = (run: ProgramRun) => run.resources.filter((r) => (r.type === TYPES.configMap || r.type === TYPES.secret || r.type === TYPES.deploymentPatch) && JSON.stringify(r.inputs.metadata).includes("alertmanager")).map((r) => r.name);
    expect({ staging: [staging.outputs.alertmanagerOwner, alertmanagerObjects(staging)], production: [production.outputs.alertmanagerOwner, alertmanagerObjects(production).sort()] }).toEqual({
      staging: [false, []],
      production: [true, ["alertmanager-reload-sidecar", "billing-alertmanager-config", "billing-alertmanager-credentials"]],
    });
  });

  it("GIVEN staging set up to own it too WHEN production runs THEN it stops before declaring anything, naming the stack and the fix", async () => {
    const staging = await runStack("staging", { config: { alertmanagerOwner: "true" } });
    expect(staging.outputs.alertmanagerOwner).toBe(true);
    const run = await attemptStack("production", { stackOutputs: { [STAGING]: staging.outputs }, mode: "preview" });
    expect({ exitCode: run.exitCode, types: types(run) }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"] });
    expect(errors(run)).toEqual([
      "Stack rsolv-dev/billing-monitoring/staging also writes the configuration of the Alertmanager monitoring/alertmanager, which this stack (production) owns: one Alertmanager loads one configuration, so the last `pulumi up` would silently decide the routing of both. Nothing was deployed. Let this stack route both environments and run: pulumi config set alertmanagerOwner false --stack staging",
    ]);
  });

  it("GIVEN a stack that owns it WHEN its smtpPassword is missing THEN the config is refused; a stack that does not own it needs none", async () => {
    const owner = await attemptStack("staging", { config: { alertmanagerOwner: "true" }, secrets: { smtpPassword: undefined }, mode: "preview" });
    expect(errors(owner)).toEqual([expect.stringContaining("billing-monitoring:smtpPassword is required: this stack owns the Alertmanager configuration (alertmanagerOwner), which sends email; run: pulumi config set --secret smtpPassword <value> --stack staging")]);
    const notOwner = await runStack("staging", { secrets: { smtpPassword: undefined } });
    expect(notOwner.outputs.alertmanagerOwner).toBe(false);
  });
});

describe("what the owner's `pulumi destroy` leaves in the cluster", () => {
  it("keeps the shared Alertmanager configuration and its credentials (retainOnDelete), in both routing forms; the stack's own objects go", async () => {
    const retained = (run: ProgramRun) => run.resources.filter((r) => r.custom && r.retainOnDelete && r.type.startsWith("kubernetes:")).map((r) => `${r.type} ${(r.inputs.metadata as { name?: string } | undefined)?.name}`).sort();
    const [configMapMode, operatorMode, staging] = await Promise.all([runStack("production"), runStack("production", { config: { prometheusOperator: "true" } }), runStack("staging")]);
    expect(retained(configMapMode)).toEqual([`${TYPES.configMap} alertmanager-billing-production`, `${TYPES.secret} alertmanager-billing-production-credentials`]);
    // Operator mode: each stack's AlertmanagerConfig is its own; the templates every stack renders with are shared.
    expect(retained(operatorMode)).toEqual([`${TYPES.configMap} alertmanager-billing-production`]);
    expect(retained(staging)).toEqual([]);
  });
});

