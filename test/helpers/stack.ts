/**
 * The one mock helper: runs index.ts for a stack through the recorder, with test values for the settings each
 * user sets by hand (the secrets and the Postmark access key), and finds resources in the result.
 */
import { readStackFile, recordStack, type RecordedResource, sourceStackOutputs, type StackRun } from "../../scripts/stack-recorder";

/** Distinctive values, so a test can search every recorded input and output for them. */
export const TEST_SECRETS = {
  smtpPassword: "test-only-smtp-secret-value",
  grafanaToken: "test-only-grafana-token-value",
} as const;

export const TEST_SETTINGS = { smtpUsername: "test-postmark-access-key" } as const;

export interface Overrides {
  readonly config?: Readonly<Record<string, unknown>>;
  readonly secrets?: Readonly<Record<string, string>>;
  /** What other stacks export, by fully qualified name. Unset: the source stack (staging) is run with its committed config. */
  readonly stackOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export async function runStack(stack: string, overrides: Overrides = {}): Promise<StackRun> {
  const config = { ...readStackFile(stack), ...TEST_SETTINGS, ...overrides.config };
  return recordStack({
    stack,
    config,
    secrets: { ...TEST_SECRETS, ...overrides.secrets },
    stackOutputs: overrides.stackOutputs ?? (await sourceStackOutputs(config, (source) => runStack(source))),
  });
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
