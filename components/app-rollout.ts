import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AppRolloutArgs {
  /** Namespace of the app. */
  readonly namespace: string;
  /** The existing Deployment. */
  readonly deployment: string;
  /** The container whose image is set. */
  readonly container: string;
  /** Full image reference. */
  readonly image: string;
  /** How long Pulumi waits for the new pods to become ready before it fails the update, in seconds. */
  readonly timeoutSeconds: number;
}

/**
 * Sets the image of one container of an existing Deployment, the declarative `kubectl set image`: a server-side
 * apply patch that owns that field only, so the rest of the Deployment stays with whoever manages it. Pulumi waits
 * for the rollout to finish and fails the update when the new pods do not become ready within the timeout.
 */
export class AppRollout extends pulumi.ComponentResource {
  public readonly image: pulumi.Output<string>;

  constructor(name: string, args: AppRolloutArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:rollout:AppRollout", name, {}, opts);

    new k8s.apps.v1.DeploymentPatch(
      `${name}-image`,
      {
        metadata: {
          name: args.deployment,
          namespace: args.namespace,
          // The image field was set by whoever created the Deployment; take it over, and that field alone.
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: { template: { spec: { containers: [{ name: args.container, image: args.image }] } } },
      },
      // A resource option rather than the pulumi.com/timeoutSeconds annotation: the annotation would be applied to,
      // and owned on, the live Deployment; the option stays in Pulumi.
      { parent: this, customTimeouts: { create: `${args.timeoutSeconds}s`, update: `${args.timeoutSeconds}s` } },
    );

    this.image = pulumi.output(args.image);
    this.registerOutputs({ image: this.image });
  }
}
