import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ConfigReloadArgs {
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** The existing Deployment (Prometheus or Alertmanager) that reads the content. */
  readonly deployment: string;
  /** Pod-template annotation key → hash of the content it reads. Keys are this stack's own. */
  readonly annotations: Readonly<Record<string, pulumi.Input<string>>>;
  /** How long Pulumi waits for the restarted pods to become ready before it fails the update, in seconds. */
  readonly timeoutSeconds: number;
  /** The objects holding the content; the patch is applied after them, so the restarted pods read the new content. */
  readonly contentObjects: readonly pulumi.Resource[];
}

/**
 * Makes a Deployment pick up changed files without `kill -HUP`: a server-side-apply patch that owns one pod-template
 * annotation holding the content's hash. A new hash rolls the Deployment; an unchanged one is no change at all.
 */
export class ConfigReload extends pulumi.ComponentResource {
  constructor(name: string, args: ConfigReloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:reload:ConfigReload", name, {}, opts);

    new k8s.apps.v1.DeploymentPatch(
      `${name}-annotation`,
      {
        metadata: {
          name: args.deployment,
          namespace: args.namespace,
          // The annotation key is this stack's alone; force only takes it over from an earlier patch of this stack
          // whose field manager was lost (a renamed resource, a re-created stack).
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: { template: { metadata: { annotations: { ...args.annotations } } } },
      },
      { parent: this, dependsOn: [...args.contentObjects], customTimeouts: { create: `${args.timeoutSeconds}s`, update: `${args.timeoutSeconds}s` } },
    );

    this.registerOutputs({});
  }
}
