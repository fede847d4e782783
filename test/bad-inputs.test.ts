/**
 * Bad input through the program as the language host runs it: refused before anything is declared (only the
 * stack itself), with the message naming the key. The parser's full table is test/config.test.ts; these are the
 * cases only the program path can show (keys of another namespace, values as the stack file stores them).
 */
import type { ProgramRun } from "../engine/run";
import { attemptStack } from "./helpers/stack";

const errors = (run: ProgramRun): string[] => run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
const types = (run: ProgramRun): string[] => run.resources.map((r) => r.type);

describe("bad input through the program", () => {
  it("a misspelt project prefix is refused, not silently ignored", async () => {
    const run = await attemptStack("staging", { config: { "billing-monitorng:imageTag": "v2" }, mode: "preview" });
    expect({ exitCode: run.exitCode, types: types(run) }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack"] });
    expect(errors(run)).toEqual([
      'Stack "staging" has 1 config problem; nothing was deployed:\n  - billing-monitorng:imageTag is not read: this project is billing-monitoring, so the setting would silently keep its default (did you mean billing-monitoring:imageTag?)',
    ]);
  });

  it("a provider's own key is not taken for a misspelling", async () => {
    const run = await attemptStack("staging", { config: { "kubernetes:namespace": "default" }, mode: "preview" });
    expect(run.exitCode).toBe(0);
  });

  it("a time zone Alertmanager would refuse is refused with the spelling it needs, together with another problem", async () => {
    const run = await attemptStack("staging", { config: { businessHoursTimezone: "europe/berlin", alertmanagerSecretPath: "secrets" }, mode: "preview" });
    expect({ exitCode: run.exitCode, types: types(run) }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack"] });
    expect(errors(run)).toEqual([
      'Stack "staging" has 2 config problems; nothing was deployed:\n' +
        '  - billing-monitoring:businessHoursTimezone: "europe/berlin" is not allowed: must be spelt as the zone database spells it: Europe/Berlin (Alertmanager\'s zone names are case-sensitive)\n' +
        '  - billing-monitoring:alertmanagerSecretPath: "secrets" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)',
    ]);
  });
});
