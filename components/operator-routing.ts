import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { AlertmanagerConfigSpec } from "../alerts/operator";
import { credentialsSecret } from "./alertmanager-routing";

export interface OperatorRoutingArgs {
  /** The app namespace: the operator matches the AlertmanagerConfig's routes to alerts labelled with it. */
  readonly namespace: string;
  readonly name: string;
  readonly spec: AlertmanagerConfigSpec;
  /** Labels for the Alertmanager's alertmanagerConfigSelector, on the AlertmanagerConfig only. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** The credentials Secret beside it, which every SecretKeySelector of the spec names. */
  readonly secretName: string;
  /** File name → secret content. Each value must be a Pulumi secret. */
  readonly secretFiles: Readonly<Record<string, pulumi.Output<string>>>;
  /** Owner only: the email templates, as a ConfigMap in the Alertmanager's namespace that its `spec.configMaps` mounts. */
  readonly templates?: { readonly namespace: string; readonly name: string; readonly files: Readonly<Record<string, string>> };
  /** Labels put on every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * One environment's routing for an operator-run Alertmanager: an AlertmanagerConfig and the Secret its selectors
 * read, and (from the owner) the templates. The operator's config-reloader applies changes; nothing is restarted.
 */
export class OperatorRouting extends pulumi.ComponentResource {
  public readonly alertmanagerConfigName: pulumi.Output<string>;
  public readonly secretName: pulumi.Output<string>;
  public readonly templatesConfigMapName?: pulumi.Output<string>;

  constructor(name: string, args: OperatorRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:alerting:OperatorRouting", name, {}, opts);

    const secret = credentialsSecret(`${name}-credentials`, args, this);

    const templates = args.templates
      ? new k8s.core.v1.ConfigMap(
          `${name}-templates`,
          {
            metadata: { name: args.templates.name, namespace: args.templates.namespace, labels: { ...args.labels } },
            data: { ...args.templates.files },
          },
          // Every stack's AlertmanagerConfig renders with these: kept by `pulumi destroy` of the owner (docs/adopting.md).
          { parent: this, retainOnDelete: true },
        )
      : undefined;

    // After the Secret: the operator skips an AlertmanagerConfig whose Secret it cannot read.
    const config = new k8s.apiextensions.CustomResource(
      `${name}-config`,
      {
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels, ...args.selectorLabels } },
        spec: args.spec,
      },
      { parent: this, dependsOn: [secret, ...(templates ? [templates] : [])] },
    );

    this.alertmanagerConfigName = config.metadata.name;
    this.secretName = secret.metadata.name;
    this.templatesConfigMapName = templates?.metadata.name;
    this.registerOutputs({ alertmanagerConfigName: this.alertmanagerConfigName, secretName: this.secretName, templatesConfigMapName: this.templatesConfigMapName });
  }
}
