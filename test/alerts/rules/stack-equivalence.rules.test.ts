/**
 * The rule-evaluation tests (promtool.test.ts, real-traffic.test.ts) run on production's rule file alone, the one
 * that pages. That holds for staging only if staging's file is production's with staging's names in place of
 * production's: the namespace, the environment, the app's Deployment and the dashboard uid. This checks exactly
 * that, on the files both stacks declare; any other difference (a threshold, a window, a rule) fails it.
 */
import { deployedRuleFile } from "../../helpers/rule-file";
import { runStack } from "../../helpers/stack";

/** A stack's own names in its rule file, as placeholders; longest first, so one name inside another is kept whole. */
async function normalizedRuleFile(stack: string): Promise<string> {
  const run = await runStack(stack);
  const config = run.outputs as { environment: string; appNamespace: string; dashboardUrl: string };
  const names: [string, string][] = [
    [config.appNamespace, "<namespace>"],
    [`/d/${config.dashboardUrl.split("/d/")[1]}?`, "/d/<dashboard-uid>?"],
    [stack === "production" ? "rsolv-platform in" : `${stack}-rsolv-platform in`, "<deployment> in"],
  ];
  let text = (await deployedRuleFile(stack)).text;
  for (const [name, placeholder] of names.sort(([a], [b]) => b.length - a.length)) text = text.split(name).join(placeholder);
  return text.replace(new RegExp(`\\b${config.environment}\\b`, "g"), "<environment>");
}

describe("staging's rule file", () => {
  it("is production's with staging's names: so promtool's findings on production's hold for staging", async () => {
    const [production, staging] = await Promise.all([normalizedRuleFile("production"), normalizedRuleFile("staging")]);
    expect(staging.split("\n")).toEqual(production.split("\n"));
    // The placeholders did replace something: the comparison is not between two files of placeholders only.
    expect(production).toContain('namespace="<namespace>"');
    expect(production).toContain("environment: <environment>");
  });
});
