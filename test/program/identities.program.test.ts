/**
 * Identities, outputs and config keys are a contract (rendered/identities.yaml, tools/review/identities.ts): the working
 * tree keeps every one the committed file holds, in every stack and variant; and, on a scratch copy of the project,
 * a renamed component and one moved under a new parent are caught, naming the alias, and kept once it is added.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { runProgram, type ProgramRun } from "../../tools/engine/run";
import { buildContract, checkContract, type Contract, IDENTITIES_FILE, partOf, readContract } from "../../tools/review/identities";
import { PLACEHOLDER_SECRETS, PLACEHOLDER_SETTINGS, RENDERED, renderContract } from "../../tools/render/render";
import { declaredRuleFile, readStackFile } from "../../tools/engine/program";
import { scratchProject } from "../helpers/tools";

const committed: Contract = readContract(fs.readFileSync(path.join(RENDERED, IDENTITIES_FILE), "utf8"));

it("the working tree keeps every identity, output and config key of rendered/identities.yaml, in every stack and variant", async () => {
  const { breaking } = checkContract(committed, await renderContract("disk"));
  expect(breaking.map((finding) => finding.message)).toEqual([]);
}, 180_000);

describe("a scratch copy of the project: AlertRules renamed, Dashboards moved under a new parent", () => {
  const STAGING = "rsolv-dev/billing-monitoring/staging";
  const prefix = "urn:pulumi:production::billing-monitoring::";
  let scratch: { dir: string; remove: () => void };
  const edit = (file: string, change: (text: string) => string): void => {
    const at = path.join(scratch.dir, file);
    const before = fs.readFileSync(at, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`${file} did not change: the test's edit no longer matches it`);
    fs.writeFileSync(at, after);
  };
  /** What the committed file holds for production's default variant, the one run here. */
  const previous = partOf(committed, ["production"], ["default"]);
  /** Production as `pulumi up` runs it in the scratch copy, staging's outputs as rendered; its contract in the default variant. */
  const production = async (config: Record<string, string> = {}): Promise<{ run: ProgramRun; contract: Contract }> => {
    const stagingOutputs = parse(fs.readFileSync(path.join(RENDERED, "staging", "outputs.yaml"), "utf8")) as Record<string, unknown>;
    const run = await runProgram({ root: scratch.dir, stack: "production", mode: "update", config: { ...PLACEHOLDER_SETTINGS, ...config }, secrets: PLACEHOLDER_SECRETS, stackOutputs: { [STAGING]: { outputs: stagingOutputs } } });
    expect({ exitCode: run.exitCode, refused: run.refused }).toEqual({ exitCode: 0, refused: [] });
    return { run, contract: buildContract([{ stack: "production", variant: "default", resources: run.resources, outputs: run.outputs }], { default: committed.variants.default }, committed.configKeys) };
  };

  beforeAll(() => {
    scratch = scratchProject("identities");
    edit("components/alerting.ts", (text) => text.replace('new AlertRules(\n    "billing-alert-rules",', 'new AlertRules(\n    "billing-rules",'));
    edit("index.ts", (text) =>
      text
        .replace('import * as k8s from "@pulumi/kubernetes";\n', 'import * as k8s from "@pulumi/kubernetes";\nimport * as pulumi from "@pulumi/pulumi";\n')
        .replace("  // 3. Grafana\n", '  // 3. Grafana\n  const grafana = new pulumi.ComponentResource("billing-monitoring:grafana:Grafana", "grafana", {});\n')
        .replace(/(const dashboards = new Dashboards\("billing-dashboards", \{[\s\S]*?\n  \})\);/, "$1, { parent: grafana });"),
    );
  });
  afterAll(() => scratch?.remove());

  it("fails, naming each resource, the variant and the alias that keeps it", async () => {
    const { breaking } = checkContract(previous, (await production()).contract);
    expect(breaking.map((finding) => finding.message).sort()).toEqual(
      [
        `production (variant default): ${prefix}billing-monitoring:alerts:AlertRules::billing-alert-rules → ${prefix}billing-monitoring:alerts:AlertRules::billing-rules: pulumi up would delete and re-create it; add aliases: [{ name: "billing-alert-rules" }] to billing-monitoring:alerts:AlertRules "billing-rules"`,
        `production (variant default): ${prefix}billing-monitoring:alerts:AlertRules$kubernetes:core/v1:ConfigMap::billing-alert-rules-rules → ${prefix}billing-monitoring:alerts:AlertRules$kubernetes:core/v1:ConfigMap::billing-rules-rules: pulumi up would delete and re-create it; it follows its parent: add the alias to billing-monitoring:alerts:AlertRules "billing-rules" (was billing-monitoring:alerts:AlertRules "billing-alert-rules")`,
        `production (variant default): ${prefix}billing-monitoring:dashboards:Dashboards::billing-dashboards → ${prefix}billing-monitoring:grafana:Grafana$billing-monitoring:dashboards:Dashboards::billing-dashboards: pulumi up would delete and re-create it; add aliases: [{ parent: pulumi.rootStackResource }] to billing-monitoring:dashboards:Dashboards "billing-dashboards"`,
        ...[
          ["grafana:oss/annotation:Annotation", "billing-dashboards-deploy-<rollout>"],
          ["grafana:oss/dashboard:Dashboard", "billing-dashboards-billing-metrics"],
          ["grafana:oss/folder:Folder", "billing-dashboards-folder"],
          ["pulumi:providers:grafana", "billing-dashboards-grafana"],
        ].map(
          ([type, name]) =>
            `production (variant default): ${prefix}billing-monitoring:dashboards:Dashboards$${type}::${name} → ${prefix}billing-monitoring:grafana:Grafana$billing-monitoring:dashboards:Dashboards$${type}::${name}: pulumi up would delete and re-create it; it follows its parent: add the alias to billing-monitoring:dashboards:Dashboards "billing-dashboards"`,
        ),
      ].sort(),
    );
  }, 60_000);

  it("passes once the aliases are added; a renamed config key (made up here) still works, with a deprecation warning", async () => {
    edit("components/alerting.ts", (text) => text.replace(/("billing-rules",[\s\S]*?)\{ providers: \[kubernetes\] \}/, '$1{ providers: [kubernetes], aliases: [{ name: "billing-alert-rules" }] }'));
    edit("index.ts", (text) => text.replace("{ parent: grafana });", "{ parent: grafana, aliases: [{ parent: pulumi.rootStackResource }] });"));
    // A ratio key production's stack file leaves unset, renamed: the old name in the config sets the new key.
    const key = ["paymentFailureWarningRatio", "webhookFailureRatio", "cancellationRatio"].find((candidate) => !(candidate in readStackFile("production")))!;
    const old = key.replace(/Ratio$/, "Threshold");
    edit("config/schema.ts", (text) => text.replace("export const RENAMED_KEYS: Readonly<Record<string, ConfigKey>> = {};", `export const RENAMED_KEYS: Readonly<Record<string, ConfigKey>> = { ${old}: "${key}" };`));
    const { run, contract } = await production({ [old]: "0.12" });
    const { breaking, kept } = checkContract(previous, contract);
    expect(breaking.map((finding) => finding.message)).toEqual([]);
    expect(kept.map((finding) => finding.old.slice(prefix.length)).sort()).toEqual([
      "billing-monitoring:alerts:AlertRules$kubernetes:core/v1:ConfigMap::billing-alert-rules-rules",
      "billing-monitoring:alerts:AlertRules::billing-alert-rules",
      "billing-monitoring:dashboards:Dashboards$grafana:oss/annotation:Annotation::billing-dashboards-deploy-<rollout>",
      "billing-monitoring:dashboards:Dashboards$grafana:oss/dashboard:Dashboard::billing-dashboards-billing-metrics",
      "billing-monitoring:dashboards:Dashboards$grafana:oss/folder:Folder::billing-dashboards-folder",
      "billing-monitoring:dashboards:Dashboards$pulumi:providers:grafana::billing-dashboards-grafana",
      "billing-monitoring:dashboards:Dashboards::billing-dashboards",
    ]);
    expect(run.logs.filter((entry) => entry.severity === "warning").map((entry) => entry.message)).toContain(`billing-monitoring:${old} is deprecated; rename it to ${key}`);
    expect(declaredRuleFile(run)).toContain("> 0.12");
  }, 60_000);
});
