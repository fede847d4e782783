import { createHash } from "node:crypto";

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { toJson } from "../serialize";

export interface ConfigReloadArgs {
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** The existing Deployment or StatefulSet (Prometheus or Alertmanager) that reads the content. */
  readonly deployment: string;
  /** Its kind. @default "Deployment" */
  readonly kind?: "Deployment" | "StatefulSet";
  /** The pod-template annotation that holds the hash; this stack's own key. */
  readonly annotation: string;
  /** The files the Deployment reads (file name → content, secrets included); only their hash leaves this component. */
  readonly files: Readonly<Record<string, pulumi.Input<string>>>;
  /** How long Pulumi waits for the restarted pods to become ready before it fails the update, in seconds. */
  readonly timeoutSeconds: number;
  /** The objects holding the content; the patch is applied after them, so the restarted pods read the new content. */
  readonly contentObjects: readonly pulumi.Resource[];
}

/**
 * The hash of the files: one file's is its content's SHA-256 (what `sha256sum` prints for it), several files' is
 * the SHA-256 of their names and contents in name order.
 */
export function filesHash(files: Readonly<Record<string, string>>): string {
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  const text = entries.length === 1 ? entries[0][1] : toJson(entries);
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Makes a Deployment or StatefulSet pick up changed files without `kill -HUP`: a server-side-apply patch that owns one pod-template
 * annotation holding the files' hash. A new hash rolls the Deployment; an unchanged one is no change at all.
 */
export class ConfigReload extends pulumi.ComponentResource {
  /** The hash in the annotation. Never secret: only a hash leaves the files, so the annotation and outputs stay readable. */
  public readonly hash: pulumi.Output<string>;

  constructor(name: string, args: ConfigReloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:reload:ConfigReload", name, {}, opts);
    this.hash = pulumi.unsecret(pulumi.all(args.files).apply(filesHash));

    // The same patch for either kind; Pulumi waits for the rollout of each (all pods updated and ready).
    const Patch = args.kind === "StatefulSet" ? k8s.apps.v1.StatefulSetPatch : k8s.apps.v1.DeploymentPatch;
    new Patch(
      `${name}-annotation`,
      {
        metadata: {
          name: args.deployment,
          namespace: args.namespace,
          // The annotation key is this stack's alone; force only takes it over from an earlier patch of this stack
          // whose field manager was lost (a renamed resource, a re-created stack).
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: { template: { metadata: { annotations: { [args.annotation]: this.hash } } } },
      },
      { parent: this, dependsOn: [...args.contentObjects], customTimeouts: { create: `${args.timeoutSeconds}s`, update: `${args.timeoutSeconds}s` } },
    );

    this.registerOutputs({ hash: this.hash });
  }
}
