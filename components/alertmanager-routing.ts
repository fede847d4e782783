import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AlertmanagerRoutingArgs {
  /** Namespace of Alertmanager. */
  readonly namespace: string;
  /** ConfigMap with the configuration (unless it holds secrets) and the templates: reviewable in `pulumi preview --diff`. */
  readonly configMapName: string;
  /** Secret with the credentials files (and the configuration, when it holds secrets). */
  readonly secretName: string;
  /** File name → content of the non-secret files. */
  readonly files: Readonly<Record<string, string>>;
  /** File name → secret content. Each value must be a Pulumi secret. */
  readonly secretFiles: Readonly<Record<string, pulumi.Output<string>>>;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The Alertmanager configuration: reviewable files in a ConfigMap, credentials in a Secret. Alertmanager mounts
 * both as directories (never with subPath, which never sees updates) and reads the password from a file.
 *
 * Both are shared: the one Alertmanager routes every environment (and other teams' alerts) by them. So `pulumi
 * destroy` of the owning stack, or of a stack renamed by mistake, leaves them in the cluster (`retainOnDelete`)
 * rather than take everyone's routing down; docs/adopting.md says how to remove them on purpose.
 */
export class AlertmanagerRouting extends pulumi.ComponentResource {
  public readonly configMapName: pulumi.Output<string>;
  public readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:alerting:AlertmanagerRouting", name, {}, opts);

    const secret = credentialsSecret(`${name}-credentials`, args, this, { retainOnDelete: true });

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: args.configMapName, namespace: args.namespace, labels: { ...args.labels } },
        data: { ...args.files },
      },
      { parent: this, retainOnDelete: true },
    );

    this.configMapName = configMap.metadata.name;
    this.secretName = secret.metadata.name;
    this.registerOutputs({ configMapName: this.configMapName, secretName: this.secretName });
  }
}

/** The credentials Secret both routing forms write: each file's value a Pulumi secret, stored as stringData. */
export function credentialsSecret(
  resourceName: string,
  args: { readonly namespace: string; readonly secretName: string; readonly secretFiles: Readonly<Record<string, pulumi.Output<string>>>; readonly labels: Readonly<Record<string, string>> },
  parent: pulumi.Resource,
  opts: pulumi.CustomResourceOptions = {},
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    resourceName,
    {
      metadata: { name: args.secretName, namespace: args.namespace, labels: { ...args.labels } },
      type: "Opaque",
      stringData: pulumi.secret(args.secretFiles),
    },
    { ...opts, parent },
  );
}
