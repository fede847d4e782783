/**
 * The one program helper: runs index.ts for a stack through the local engine (Pulumi's own cmd/run, as the CLI
 * starts it), with test values for the settings each user sets by hand (the secrets and the Postmark access key),
 * and finds resources in the result. Runs are kept for reuse across test files (tools/engine/program.ts, RUN_CACHE).
 */
import { INTEGRATIONS, RELEASE_FEATURES } from "../../alerts/integrations";
import { atLeast, OLDEST_SUPPORTED } from "../../config/releases";
import { failureOf } from "../../tools/engine/run";
import { type BillingConfig, parseConfig } from "../../config";
import { type Mode, readStackFile, type RecordedResource, runStack as runProgramStack, type StackRun } from "../../tools/engine/program";

/** Distinctive values, so a test can search every recorded input and output for them. */
export const TEST_SECRETS = {
  smtpPassword: "test-only-smtp-secret-value",
  grafanaToken: "test-only-grafana-token-value",
} as const;

export const TEST_SETTINGS = { smtpUsername: "test-postmark-access-key" } as const;

export interface Overrides {
  readonly config?: Readonly<Record<string, string | undefined>>;
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /** What other stacks export, by fully qualified name. Unset: the source stack (staging) is run with its committed config. */
  readonly stackOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** @default "update" */
  readonly mode?: Mode;
  /** Extra environment for the program, as a user's shell would have it. */
  readonly env?: Readonly<Record<string, string>>;
  /** Run the program anew instead of reusing a run with the same inputs (for tests about what a second run does). */
  readonly fresh?: boolean;
}

/** One run of a stack, whatever its outcome. */
export function attemptStack(stack: string, overrides: Overrides = {}): Promise<StackRun> {
  return runProgramStack({
    stack,
    mode: overrides.mode ?? "update",
    settings: TEST_SETTINGS,
    settingSecrets: TEST_SECRETS,
    config: overrides.config,
    secrets: overrides.secrets,
    stackOutputs: overrides.stackOutputs,
    env: overrides.env,
    cache: overrides.fresh ? "off" : "disk",
  });
}

/**
 * A stack's config as the program parses it from its committed Pulumi.<stack>.yaml (with the test values for what each
 * user sets by hand): what a test expects of that stack's rules, routing and panels is read from here, so a
 * threshold changed in a stack file needs no test edited.
 */
export function stackConfig(stack: string): BillingConfig {
  const values = { ...readStackFile(stack), ...TEST_SETTINGS, ...TEST_SECRETS };
  return parseConfig({ stack, values, secretKeys: new Set(Object.keys(TEST_SECRETS)) }, RELEASE_FEATURES);
}

/**
 * A payment-failure warning ratio other than the stack's own, halfway to its critical one (so it stays the lower): a
 * change of the rules that every check of them accepts.
 */
export function anotherWarningRatio(cfg: BillingConfig): number {
  return Number(((cfg.paymentFailureWarningRatio + cfg.paymentFailureCriticalRatio) / 2).toFixed(4));
}

/** One successful run of a stack; a failed run throws with the errors the CLI would show. */
export async function runStack(stack: string, overrides: Overrides = {}): Promise<StackRun> {
  const run = await attemptStack(stack, overrides);
  const failure = failureOf(run);
  if (failure.length > 0) throw new Error(failure.join("\n"));
  return run;
}

export function ofType(run: StackRun, type: string): RecordedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The one resource of a type; fails when there are none or several. */
export function single(run: StackRun, type: string): RecordedResource {
  const found = ofType(run, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}

export const TYPES = {
  stack: "pulumi:pulumi:Stack",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  deploymentPatch: "kubernetes:apps/v1:DeploymentPatch",
  stackReference: "pulumi:pulumi:StackReference",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  k8sProvider: "pulumi:providers:kubernetes",
  grafanaProvider: "pulumi:providers:grafana",
  folder: "grafana:oss/folder:Folder",
  dashboard: "grafana:oss/dashboard:Dashboard",
  annotation: "grafana:oss/annotation:Annotation",
} as const;

/** The newest Alertmanager release an integration needs: the one to declare with all of them on. */
export const NEWEST_NEEDED = INTEGRATIONS.map((integration) => integration.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager).reduce((newest, release) => (atLeast(release, newest) ? release : newest));

/**
 * Every integration an Alertmanager release has switched on, each by its secret (its render stand-in, a value of the
 * right form), and that release declared when it is newer than the oldest supported. Tests iterate the entries
 * (alerts/integrations.ts) this way, so a new integration is tested as it is added.
 */
export function integrationsOn(release: string = NEWEST_NEEDED): { secrets: Record<string, string>; config?: { alertmanagerVersion: string } } {
  const integrations = INTEGRATIONS.filter((integration) => atLeast(release, integration.alertmanagerRelease ?? OLDEST_SUPPORTED.alertmanager));
  return {
    secrets: Object.fromEntries(integrations.map((integration) => [integration.secret, integration.standIn])),
    ...(release === OLDEST_SUPPORTED.alertmanager ? {} : { config: { alertmanagerVersion: release } }),
  };
}
