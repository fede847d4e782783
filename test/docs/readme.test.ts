/** The README stays true to the code: its config reference lists exactly the keys the program reads. */
import * as fs from "node:fs";

import { CONFIG_SCHEMA } from "../../config";
import { configReference, README, readmeReference } from "../../tools/cli/config-reference";

describe("README.md", () => {
  const table = readmeReference();

  it("has a config reference whose keys are exactly the keys the program reads", () => {
    expect(table).toBeDefined();
    const keys = [...table!.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    expect(keys.sort()).toEqual(Object.keys(CONFIG_SCHEMA).sort());
  });

  it("has the config reference as generated from the schema and stack files (else run: npm run docs)", () => {
    expect(table).toBe(configReference());
  });

  it("keeps exactly two set-up commands, and .ci/run runs the test one", () => {
    const setup = fs.readFileSync(README, "utf8").split("## Set up")[1].split("\n## ")[0];
    const commands = [...setup.matchAll(/^```sh\n([\s\S]*?)```/gm)].flatMap((m) => m[1].trim().split("\n"));
    expect(commands.map((line) => line.replace(/\s+#.*$/, ""))).toEqual(["./tools/setup.sh --npm-only && npm run preview -- --stack staging", "./tools/setup.sh && npm test"]);
    expect(fs.readFileSync(".ci/run", "utf8")).toContain("./tools/setup.sh && npm test");
  });
});
