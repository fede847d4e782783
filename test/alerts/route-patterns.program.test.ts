/**
 * apiLatencyRoutes is a regular expression Prometheus reads in a `=~` matcher. The offline check accepts exactly what
 * promtool accepts (Go's RE2), and an accepted pattern renders a rule file promtool loads.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { stringify } from "yaml";

import { buildRuleGroups, ruleFileDocument } from "../../alerts";
import { RELEASE_FEATURES } from "../../alerts/integrations";
import { ConfigError, parseConfig } from "../../config";
import { toYaml } from "../../common/serialize";
import { runTool, tempDir } from "../helpers/tools";

// Patterns where JavaScript's RegExp and RE2 disagree, and plain ones.
const PATTERNS = ["/api/v1/billing.*", "/api/v1/(billing|credits)/.*", "(?i)/API/.*", "(?P<area>/api)/.*", "\\d+/x", "(?=/api).*", "/api/(a)\\1", "(?<!x)/api", "/api/[", "/api/v1{2"];

/** The smallest valid config of a stack: what a user sets by hand. */
const VALID = { imageTag: "v1.2.3", smtpUsername: "access-key", smtpPassword: "pw-value", grafanaToken: "token-value" };

const offline = (routes: string): boolean => {
  try {
    parseConfig({ stack: "staging", values: { ...VALID, apiLatencyRoutes: routes }, secretKeys: new Set(["smtpPassword", "grafanaToken"]) }, RELEASE_FEATURES);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
};

describe("route patterns", () => {
  let scratch: { dir: string; remove: () => void };
  beforeAll(() => (scratch = tempDir("routes")));
  afterAll(() => scratch.remove());

  const promtoolLoads = (name: string, text: string): boolean => {
    const file = path.join(scratch.dir, `${name}.yml`);
    fs.writeFileSync(file, text);
    return runTool("promtool", ["check", "rules", file]).status === 0;
  };

  it("are accepted offline exactly when promtool accepts them in a matcher", () => {
    const verdicts = PATTERNS.map((routes, i) => {
      const rule = { groups: [{ name: "g", rules: [{ record: "r", expr: `x{path=~${JSON.stringify(routes)}}` }] }] };
      return { routes, offline: offline(routes), promtool: promtoolLoads(`pattern-${i}`, stringify(rule)) };
    });
    expect(verdicts.filter((v) => v.offline !== v.promtool)).toEqual([]);
    // Both kinds are in the list: the comparison is not vacuous.
    expect(new Set(verdicts.map((v) => v.promtool))).toEqual(new Set([true, false]));
  });

  it("an accepted pattern renders a rule file promtool loads", () => {
    const accepted = PATTERNS.filter(offline);
    for (const [i, routes] of accepted.entries()) {
      const cfg = parseConfig({ stack: "staging", values: { ...VALID, apiLatencyRoutes: routes }, secretKeys: new Set(["smtpPassword", "grafanaToken"]) }, RELEASE_FEATURES);
      expect({ routes, loads: promtoolLoads(`rendered-${i}`, toYaml(ruleFileDocument(buildRuleGroups(cfg)))) }).toEqual({ routes, loads: true });
    }
  });
});
