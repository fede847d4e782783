/**
 * checkContract on made-up contracts: what a previous release held and the working tree lost is breaking, naming what
 * keeps it; what an alias or an old name keeps is not; `--removed` drops one on purpose.
 */
import { buildContract, checkContract, type Contract, readContract, removalName, type VariantRun, writeContract } from "../../../tools/review/identities";

const STACK = "urn:pulumi:dev::billing-monitoring::pulumi:pulumi:Stack::billing-monitoring-dev";
const urn = (chain: string, name: string) => `urn:pulumi:dev::billing-monitoring::${chain}::${name}`;
const VARIANTS = { default: "as committed", operator: "prometheusOperator" };

/** A run of stack dev: the Stack, a component `rules` (or as renamed) with a child named after it, and outputs. */
function run(variant: string, options: { name?: string; aliases?: unknown[]; outputs?: Record<string, unknown>; rollout?: string } = {}): VariantRun {
  const name = options.name ?? "rules";
  const component = urn("pkg:alerts:AlertRules", name);
  return {
    stack: "dev",
    variant,
    resources: [
      { urn: STACK, type: "pulumi:pulumi:Stack", name: "billing-monitoring-dev", aliases: [] },
      { urn: component, type: "pkg:alerts:AlertRules", name, parentUrn: STACK, aliases: options.aliases ?? [] },
      { urn: urn("pkg:alerts:AlertRules$k8s:ConfigMap", `${name}-rules`), type: "k8s:ConfigMap", name: `${name}-rules`, parentUrn: component, aliases: [] },
      { urn: urn("grafana:oss/annotation:Annotation", `deploy-${options.rollout ?? "0123456789ab"}`), type: "grafana:oss/annotation:Annotation", name: `deploy-${options.rollout ?? "0123456789ab"}`, parentUrn: STACK, aliases: [] },
    ],
    outputs: options.outputs ?? { image: "app:v1", environment: "dev" },
  };
}
const contract = (runs: VariantRun[], configKeys = ["imageTag", "environment"]): Contract => buildContract(runs, VARIANTS, configKeys);
const previous = contract([run("default"), run("operator")]);

describe("checkContract", () => {
  it("the same tree, or a new image (a new deploy annotation by design), keeps everything", () => {
    expect(checkContract(previous, contract([run("default", { rollout: "ba9876543210" }), run("operator")]))).toEqual({ breaking: [], kept: [] });
  });

  it("a renamed component: breaking in each variant, naming the alias; its child follows it", () => {
    const { breaking } = checkContract(previous, contract([run("default", { name: "billing-rules" }), run("operator", { name: "billing-rules" })]));
    expect(breaking.map((finding) => [finding.old, finding.now, finding.scope, finding.fix])).toEqual([
      [urn("pkg:alerts:AlertRules", "rules"), urn("pkg:alerts:AlertRules", "billing-rules"), "variants default, operator", 'add aliases: [{ name: "rules" }] to pkg:alerts:AlertRules "billing-rules"'],
      [urn("pkg:alerts:AlertRules$k8s:ConfigMap", "rules-rules"), urn("pkg:alerts:AlertRules$k8s:ConfigMap", "billing-rules-rules"), "variants default, operator", 'it follows its parent: add the alias to pkg:alerts:AlertRules "billing-rules" (was pkg:alerts:AlertRules "rules")'],
    ]);
  });

  it("with the alias: kept, as a note", () => {
    const aliases = [{ urn: "", spec: { name: "rules", type: "", stack: "", project: "", parenturn: STACK, noparent: false } }];
    const { breaking, kept } = checkContract(previous, contract([run("default", { name: "billing-rules", aliases }), run("operator", { name: "billing-rules", aliases })]));
    expect(breaking).toEqual([]);
    expect(kept.map((finding) => `${finding.old} → ${finding.now}`)).toEqual([
      `${urn("pkg:alerts:AlertRules", "rules")} → ${urn("pkg:alerts:AlertRules", "billing-rules")}`,
      `${urn("pkg:alerts:AlertRules$k8s:ConfigMap", "rules-rules")} → ${urn("pkg:alerts:AlertRules$k8s:ConfigMap", "billing-rules-rules")}`,
    ]);
  });

  it("a resource gone for good, unless --removed names it (by its URN without stack and project, the same in every stack)", () => {
    const withoutAnnotation = (variant: string): VariantRun => ({ ...run(variant), resources: run(variant).resources.slice(0, 3) });
    const current = contract([withoutAnnotation("default"), withoutAnnotation("operator")]);
    const { breaking } = checkContract(previous, current);
    expect(breaking.map((finding) => finding.message)).toEqual([
      `dev (variants default, operator): ${urn("grafana:oss/annotation:Annotation", "deploy-<rollout>")} is gone: pulumi up would delete it. If that is on purpose: npm run render -- --removed 'grafana:oss/annotation:Annotation::deploy-<rollout>'`,
    ]);
    expect(removalName(breaking[0])).toBe("grafana:oss/annotation:Annotation::deploy-<rollout>");
    expect(checkContract(previous, current, new Set([removalName(breaking[0])])).breaking).toEqual([]);
  });

  it("an output renamed: breaking in the variants that exported it, unless the old name is still exported", () => {
    const renamed = { image: "app:v1", stackEnvironment: "dev" };
    expect(checkContract(previous, contract([run("default", { outputs: renamed }), run("operator")])).breaking.map((finding) => finding.message)).toEqual([
      "dev (variant default): output environment is gone, so a stack reading it (a StackReference) gets nothing; keep exporting environment beside its new name for at least one release",
    ]);
    expect(checkContract(previous, contract([run("default", { outputs: { ...renamed, environment: "dev" } }), run("operator")])).breaking).toEqual([]);
  });

  it("a config key renamed: breaking, unless its old name stays a key (RENAMED_KEYS)", () => {
    expect(checkContract(previous, contract([run("default"), run("operator")], ["imageTag", "stackEnvironment"])).breaking.map((finding) => finding.message)).toEqual([
      'config key billing-monitoring:environment is gone, so a stack file that sets it is refused; keep the old name working: RENAMED_KEYS in config/schema.ts, environment: "<new key>"',
    ]);
    expect(checkContract(previous, contract([run("default"), run("operator")], ["imageTag", "stackEnvironment", "environment"])).breaking).toEqual([]);
  });

  it("a variant taken out of VARIANTS: an identity only it had must still exist in another", () => {
    const rule = { urn: urn("pkg:alerts:AlertRules$k8s:PrometheusRule", "rules-prometheus-rule"), type: "k8s:PrometheusRule", name: "rules-prometheus-rule", parentUrn: urn("pkg:alerts:AlertRules", "rules"), aliases: [] };
    const withRule = contract([run("default"), { ...run("operator"), resources: [...run("operator").resources, rule] }]);
    const onlyDefault = buildContract([run("default")], { default: "as committed" }, ["imageTag", "environment"]);
    expect(checkContract(withRule, onlyDefault).breaking.map((finding) => finding.old)).toEqual([rule.urn]);
    expect(checkContract(withRule, buildContract([{ ...run("default"), resources: [...run("default").resources, rule] }], { default: "as committed" }, ["imageTag", "environment"])).breaking).toEqual([]);
  });

  it("is written and read back as the same data", () => {
    expect(readContract(writeContract(previous))).toEqual(previous);
  });
});
