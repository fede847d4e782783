/**
 * The PromQL checker shared by the rule and dashboard tests. It parses an expression with Prometheus' own grammar
 * (@prometheus-io/lezer-promql) and checks it against the metric catalogue:
 * - it parses, with no error node;
 * - every series it selects is a catalogue metric (a histogram through its `_bucket`, `_sum` or `_count`), a
 *   synthetic Prometheus series, or a series recorded by our rules; every label it matches on exists on it;
 * - types fit: a counter (and a histogram's `_sum`/`_count`) only inside rate/increase/irate/resets, never bare;
 *   a gauge never inside rate/increase; `histogram_quantile` only over `_bucket` series;
 * - every rate/increase window is at least `minWindowFactor` × the scrape interval.
 */
import type { parser as LezerParser } from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };

// The package's typings are ESM-only, which tsc refuses to import from this CommonJS project (TS1479); its
// CommonJS build (the `require` export) is what runs here either way.
const { parser } = require("@prometheus-io/lezer-promql") as { parser: typeof LezerParser };
export { parser };

import { ALL_METRICS, type MetricDefinition, SCRAPE_LABELS } from "../../promql/metrics";
import { parseDuration } from "../../common/duration";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export interface CheckOptions {
  /** Recorded series: name → labels it keeps. */
  readonly recorded?: ReadonlyMap<string, readonly string[]>;
  readonly scrapeIntervalSeconds: number;
  /** A rate window must be at least this many scrape intervals. @default 4 */
  readonly minWindowFactor?: number;
  /** Windows written as Grafana variables, replaced before parsing (e.g. `$__rate_interval`), by their stand-in seconds. */
  readonly windowVariables?: Readonly<Record<string, number>>;
  readonly catalogue?: readonly MetricDefinition[];
}

/** Functions a counter may sit in: the rate family, and the two `countIn` (promql/index.ts) pairs them with for new series. */
const COUNTER_FUNCTIONS = new Set(["rate", "increase", "irate", "resets", "last_over_time", "present_over_time"]);
/** Functions over a range of any type that make sense for gauges. */
const RANGE_ON_COUNTERS_ONLY = new Set(["rate", "increase", "irate"]);

interface Resolved {
  readonly kind: "counter" | "gauge" | "bucket" | "recorded";
  readonly labels: readonly string[];
}

function resolve(name: string, catalogue: readonly MetricDefinition[], recorded: ReadonlyMap<string, readonly string[]>): Resolved | undefined {
  if (recorded.has(name)) return { kind: "recorded", labels: recorded.get(name)! };
  for (const metric of catalogue) {
    const labels = [...metric.labels, ...SCRAPE_LABELS];
    if (metric.type === "histogram") {
      if (name === `${metric.name}_bucket`) return { kind: "bucket", labels: [...labels, "le"] };
      if (name === `${metric.name}_sum` || name === `${metric.name}_count`) return { kind: "counter", labels };
    } else if (name === metric.name) {
      return { kind: metric.type === "counter" ? "counter" : "gauge", labels };
    }
  }
  return undefined;
}

function text(source: string, node: SyntaxNode): string {
  return source.slice(node.from, node.to);
}

function functionName(source: string, call: SyntaxNode): string {
  const identifier = call.getChild("FunctionIdentifier");
  return identifier ? text(source, identifier) : "";
}

/**
 * The function call that takes a range selector as its argument, looking through `offset` / `@` modifiers
 * (`rate(x[5m] offset 1d)` puts an OffsetExpr between the selector and the call's body).
 */
function callOfRange(matrix: SyntaxNode): SyntaxNode | null {
  let at = matrix.parent;
  while (at && (at.type.name === "OffsetExpr" || at.type.name === "StepInvariantExpr")) at = at.parent;
  return at?.type.name === "FunctionCallBody" && at.parent?.type.name === "FunctionCall" ? at.parent : null;
}

/** The function calls around a node, innermost first. */
function enclosingFunctions(source: string, node: SyntaxNode): string[] {
  const names: string[] = [];
  for (let at: SyntaxNode | null = node.parent; at; at = at.parent) {
    if (at.type.name === "FunctionCall") names.push(functionName(source, at));
  }
  return names;
}

export function checkPromQL(expr: string, options: CheckOptions): string[] {
  const problems: string[] = [];
  const catalogue = options.catalogue ?? ALL_METRICS;
  const recorded = options.recorded ?? new Map();
  const minWindow = (options.minWindowFactor ?? 4) * options.scrapeIntervalSeconds;
  let source = expr;
  const variableSeconds = new Map<number, string>();
  for (const [variable, seconds] of Object.entries(options.windowVariables ?? {})) {
    source = source.split(variable).join(`${seconds}s`);
    variableSeconds.set(seconds, variable);
  }

  const tree = parser.parse(source);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.type.isError) {
        problems.push(`does not parse near "${source.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
        return;
      }
      if (node.type.name === "MatrixSelector") {
        const duration = node.getChild("DurationExpr");
        const window = duration ? text(source, duration) : "";
        const parsed = parseDuration(window);
        const call = callOfRange(node);
        const fn = call ? functionName(source, call) : "";
        if (COUNTER_FUNCTIONS.has(fn) && !variableSeconds.has(parsed?.seconds ?? -1) && (!parsed || parsed.seconds < minWindow)) {
          problems.push(`${fn}() window [${window}] is shorter than ${minWindow}s (${options.minWindowFactor ?? 4}× the scrape interval)`);
        }
      }
      if (node.type.name !== "VectorSelector") return;
      const identifier = node.getChild("Identifier");
      if (!identifier) {
        problems.push(`selector ${text(source, node)} has no metric name`);
        return;
      }
      const name = text(source, identifier);
      const found = resolve(name, catalogue, recorded);
      if (!found) {
        problems.push(`${name} is not in the metric catalogue nor recorded by a rule`);
        return;
      }
      const matchers = node.getChild("LabelMatchers");
      for (const label of matchers?.getChildren("UnquotedLabelMatcher") ?? []) {
        const labelName = text(source, label.getChild("LabelName")!);
        if (!found.labels.includes(labelName)) problems.push(`${name} has no label ${labelName} (it has: ${found.labels.join(", ")})`);
      }
      const inRange = node.parent?.type.name === "MatrixSelector";
      const rangeCall = inRange ? callOfRange(node.parent!) : null;
      const rangeFunction = rangeCall ? functionName(source, rangeCall) : "";
      const functions = enclosingFunctions(source, node);
      if (found.kind === "counter" && !(inRange && COUNTER_FUNCTIONS.has(rangeFunction)) && !functions.includes("absent")) {
        problems.push(`counter ${name} is used outside rate()/increase()/countIn`);
      }
      if (found.kind === "gauge" && inRange && RANGE_ON_COUNTERS_ONLY.has(rangeFunction)) {
        problems.push(`gauge ${name} is used inside ${rangeFunction}()`);
      }
      // A bucket read on its own (an SLI counting observations under a bound) names its bound.
      const namesBound = (matchers?.getChildren("UnquotedLabelMatcher") ?? []).some((label) => text(source, label.getChild("LabelName")!) === "le");
      if (found.kind === "bucket" && !functions.includes("histogram_quantile") && !namesBound) {
        problems.push(`histogram bucket ${name} is used outside histogram_quantile() without an le matcher`);
      }
      if (found.kind === "bucket" && !(inRange && COUNTER_FUNCTIONS.has(rangeFunction))) {
        problems.push(`histogram bucket ${name} is used outside rate()/increase()/countIn`);
      }
      if (found.kind !== "bucket" && functions.includes("histogram_quantile") && found.kind !== "recorded") {
        problems.push(`histogram_quantile() over ${name}, which is not a histogram's _bucket series`);
      }
    },
  });
  return problems;
}

/**
 * The labels a recorded series keeps, from its name: `level:metric:operations`, where the level lists the labels
 * joined by `_` (the recording rule naming convention).
 */
export function recordedLabels(record: string): string[] {
  const level = record.split(":")[0];
  // customer_id is the one label name with an underscore; no rule aggregates by it.
  return level === "" ? [] : level.split("_");
}
