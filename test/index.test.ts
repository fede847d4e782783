import { parse } from "yaml";

import { ofType, runStack, single, TYPES } from "./helpers/stack";

describe("index.ts under mocks", () => {
  it.each(["staging", "production"])("declares the four parts for %s", async (stack) => {
    const run = await runStack(stack);
    const summary = run.resources.map((r) => `${r.type} ${r.name} <- ${r.parent ?? "stack"}`);
    console.log(summary.join("\n"));
    console.log(run.outputs, run.secretOutputs);
    const rules = ofType(run, TYPES.configMap);
    expect(rules.length).toBe(2);
    const doc = parse((rules[0].inputs.data as Record<string, string>)["billing-alerts.yml"]);
    expect(doc.groups.length).toBe(5);
    expect(single(run, TYPES.deploymentPatch).inputs).toBeDefined();
  });
});
