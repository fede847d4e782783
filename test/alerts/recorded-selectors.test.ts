/**
 * Several stacks' rule files may load into one Prometheus (the e2e tests run one per scenario, staging and production
 * share the monitoring namespace): recorded series then carry every stack's namespaces, so each rule must read a
 * recorded series only with its own namespace, or it alerts on another environment's data under its own name.
 */
import { buildRuleGroups } from "../../alerts";
import { profileConfig } from "../../tools/sandbox/profile";

const RECORDED_REFERENCE = /([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)(\{[^}]*\})?/g;

it("every rule reads recorded series with its stack's namespace matcher", () => {
  // GIVEN the rules of one environment
  const cfg = profileConfig("env-under-test");
  const unscoped: string[] = [];
  for (const group of buildRuleGroups(cfg)) {
    for (const rule of group.rules) {
      // WHEN a rule's expression names a recorded series (recording rule names contain a colon)
      for (const [, name, matchers] of rule.expr.matchAll(RECORDED_REFERENCE)) {
        // THEN it selects this stack's namespace
        if (!(matchers ?? "").includes(`namespace="${cfg.appNamespace}"`)) unscoped.push(`${"alert" in rule ? rule.alert : rule.record}: ${name}${matchers ?? ""}`);
      }
    }
  }
  expect(unscoped).toEqual([]);
});
