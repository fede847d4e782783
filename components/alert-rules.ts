import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AlertRulesArgs {
  /** Namespace of Prometheus. */
  readonly namespace: string;
  /** Name of the ConfigMap this component owns whole. */
  readonly configMapName: string;
  /** File name of the rule file inside the ConfigMap. */
  readonly fileName: string;
  /** The rule file, as Prometheus reads it. */
  readonly ruleFile: string;
  /** The same rule groups as data, for a prometheus-operator `PrometheusRule`. Unset: no PrometheusRule. */
  readonly prometheusRuleSpec?: Record<string, unknown>;
  /** Labels put on every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The billing rule file in a ConfigMap of its own (and optionally a `PrometheusRule`). Owning a whole, dedicated
 * ConfigMap means an update never touches keys that other rule files keep in a shared one.
 */
export class AlertRules extends pulumi.ComponentResource {
  public readonly configMapName: pulumi.Output<string>;

  constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:alerts:AlertRules", name, {}, opts);

    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-rules`,
      {
        metadata: { name: args.configMapName, namespace: args.namespace, labels: { ...args.labels } },
        data: { [args.fileName]: args.ruleFile },
      },
      { parent: this },
    );

    if (args.prometheusRuleSpec) {
      new k8s.apiextensions.CustomResource(
        `${name}-prometheus-rule`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: { name: args.configMapName, namespace: args.namespace, labels: { ...args.labels } },
          spec: args.prometheusRuleSpec,
        },
        { parent: this },
      );
    }

    this.configMapName = configMap.metadata.name;
    this.registerOutputs({ configMapName: this.configMapName });
  }
}
