/**
 * Stack files read as the Pulumi CLI reads them (tools/engine/stack-config.ts), and refused clearly when they cannot be read.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { readProject, readStackConfig } from "../../../tools/engine/stack-config";
import { tempDir } from "../../helpers/tools";

describe("a stack file", () => {
  let scratch: { dir: string; remove: () => void };
  const read = (text: string) => {
    fs.writeFileSync(path.join(scratch.dir, "Pulumi.dev.yaml"), text);
    return readStackConfig(readProject(scratch.dir), "dev");
  };
  beforeAll(() => {
    scratch = tempDir("stack-file");
    fs.writeFileSync(path.join(scratch.dir, "Pulumi.yaml"), "name: proj\nruntime: nodejs\n");
  });
  afterAll(() => scratch.remove());

  it("with a YAML syntax error is refused naming the file, line and column, without echoing the line", () => {
    expect(() => read("config:\n  proj:smtpPassword: hunter2-not-shown\n    nested: [x\n")).toThrow(
      new Error("Pulumi.dev.yaml:2:22: Nested mappings are not allowed in compact mappings (the line is not shown: it may hold a secret)"),
    );
    try {
      read("config:\n  proj:smtpPassword: hunter2-not-shown\n    nested: [x\n");
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });

  it("whose config is not a map is refused", () => {
    expect(() => read("config: [a, b]\n")).toThrow(new Error('Pulumi.dev.yaml: "config" must be a map of keys to values'));
  });

  it("with no config, or an empty one, has no values", () => {
    expect(read("encryptionsalt: x\n")).toEqual({ values: {}, encrypted: [] });
    expect(read("config:\n")).toEqual({ values: {}, encrypted: [] });
  });

  it("keeps an unquoted release tag as written, and names the encrypted values", () => {
    expect(read("config:\n  imageTag: 1.10\n  proj:token:\n    secure: AAABAxyz\n")).toEqual({ values: { "proj:imageTag": "1.10" }, encrypted: ["proj:token"] });
  });
});
