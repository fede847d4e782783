import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface AlertRulesArgs {
  /** Namespace of Prometheus. */
  readonly namespace: string;
  /** Name of the object this component owns whole: the ConfigMap, or the PrometheusRule. */
  readonly name: string;
  /** File name of the rule file inside the ConfigMap. */
  readonly fileName: string;
  /** The rule file, as Prometheus reads it. */
  readonly ruleFile: string;
  /**
   * The same rule groups as data, and the labels the operator's Prometheus selects rules by: the rules go into a
   * prometheus-operator `PrometheusRule` instead of the ConfigMap. Unset: the ConfigMap.
   */
  readonly prometheusRule?: { readonly spec: Record<string, unknown>; readonly labels: Readonly<Record<string, string>> };
  /** Labels put on every object. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The billing rule file in an object of its own: a ConfigMap that Prometheus mounts, or a `PrometheusRule` that the
 * operator's Prometheus selects. Never both, so no Prometheus evaluates the rules twice. Owning a whole, dedicated
 * object means an update never touches what other rule files keep in a shared one.
 */
export class AlertRules extends pulumi.ComponentResource {
  /** The object holding the rules, for what must wait on them (the reload patch). */
  public readonly object: pulumi.Resource;
  public readonly objectName: pulumi.Output<string>;

  constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:alerts:AlertRules", name, {}, opts);

    if (args.prometheusRule) {
      const rule = new k8s.apiextensions.CustomResource(
        `${name}-prometheus-rule`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PrometheusRule",
          metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels, ...args.prometheusRule.labels } },
          spec: args.prometheusRule.spec,
        },
        { parent: this },
      );
      this.object = rule;
      this.objectName = rule.metadata.name;
    } else {
      const configMap = new k8s.core.v1.ConfigMap(
        `${name}-rules`,
        {
          metadata: { name: args.name, namespace: args.namespace, labels: { ...args.labels } },
          data: { [args.fileName]: args.ruleFile },
        },
        { parent: this },
      );
      this.object = configMap;
      this.objectName = configMap.metadata.name;
    }
    this.registerOutputs({ objectName: this.objectName });
  }
}
