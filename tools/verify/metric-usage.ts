/**
 * Which catalogue metrics and labels the rules and panels read (what pint calls promql/series): each expression is
 * parsed with Prometheus' own grammar (@prometheus-io/lezer-promql), and every selector of a catalogue metric is
 * kept with the labels it matches on and those the expression groups by that the metric carries.
 */
import { METRICS, type MetricDefinition } from "../../promql/metrics";
import { parser } from "./expression";

export interface MetricUse {
  readonly metric: MetricDefinition;
  /** The series name queried for it: a histogram's `_bucket`. */
  readonly series: string;
  /** Labels read, beyond `namespace` and `le`. */
  readonly labels: ReadonlySet<string>;
  /** Who reads it: `rule <name>` or `panel "<title>"`. */
  readonly readers: ReadonlySet<string>;
}

/** Grafana's interval variables, given durations so a panel query parses as PromQL. */
const GRAFANA_VARIABLES: Readonly<Record<string, string>> = { $__rate_interval: "5m", $__interval: "1m", $__range: "1h" };

function catalogueMetric(name: string): MetricDefinition | undefined {
  return Object.values(METRICS).find((metric: MetricDefinition) => name === metric.name || (metric.type === "histogram" && [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`].includes(name)));
}

export function metricUses(expressions: readonly { readonly reader: string; readonly expr: string }[]): MetricUse[] {
  const uses = new Map<string, { metric: MetricDefinition; series: string; labels: Set<string>; readers: Set<string> }>();
  for (const { reader, expr } of expressions) {
    let source = expr;
    for (const [variable, value] of Object.entries(GRAFANA_VARIABLES)) source = source.split(variable).join(value);
    const tree = parser.parse(source);
    const text = (node: { from: number; to: number }): string => source.slice(node.from, node.to);
    const grouped = new Set<string>();
    const selected: { metric: MetricDefinition; name: string; labels: string[] }[] = [];
    tree.iterate({
      enter(ref) {
        const node = ref.node;
        if (node.type.name === "GroupingLabels") for (const label of node.getChildren("LabelName")) grouped.add(text(label));
        if (node.type.name !== "VectorSelector") return;
        const identifier = node.getChild("Identifier");
        const metric = identifier ? catalogueMetric(text(identifier)) : undefined;
        if (!metric) return;
        const labels = (node.getChild("LabelMatchers")?.getChildren("UnquotedLabelMatcher") ?? []).map((matcher) => text(matcher.getChild("LabelName")!));
        selected.push({ metric, name: text(identifier!), labels });
      },
    });
    for (const { metric, labels } of selected) {
      const series = metric.type === "histogram" ? `${metric.name}_bucket` : metric.name;
      const use = uses.get(metric.name) ?? { metric, series, labels: new Set<string>(), readers: new Set<string>() };
      for (const label of [...labels, ...grouped]) if (metric.labels.includes(label)) use.labels.add(label);
      use.readers.add(reader);
      uses.set(metric.name, use);
    }
  }
  return [...uses.values()].sort((a, b) => a.metric.name.localeCompare(b.metric.name));
}
