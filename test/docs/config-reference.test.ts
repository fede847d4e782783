/** docs/config-reference.md stays true to the code: its table lists exactly the keys the program reads. */
import { CONFIG_SCHEMA } from "../../config";
import { committedReference, configReference } from "../../tools/cli/config-reference";

describe("docs/config-reference.md", () => {
  const table = committedReference();

  it("has a config reference whose keys are exactly the keys the program reads", () => {
    expect(table).toBeDefined();
    const keys = [...table!.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(keys.sort()).toEqual(Object.keys(CONFIG_SCHEMA).sort());
  });

  it("has the config reference as generated from the schema and stack files (else run: npm run docs)", () => {
    expect(table).toBe(configReference());
  });
});
