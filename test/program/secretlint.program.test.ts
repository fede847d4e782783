/**
 * The secret scan `npm test` runs (secretlint with the project's .secretlintrc.json), over files a user might
 * commit: a Postmark token written into a stack file is found, before it can be pushed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";
import { tempDir } from "../helpers/tools";

// UUID-shaped, as Postmark's server API tokens and SMTP token keys are; made up for this test.
const TOKEN = "4c5d6e7f-0a1b-4c2d-8e3f-9a0b1c2d3e4f";

function scan(files: Record<string, string>): { status: number | null; output: string } {
  const scratch = tempDir("secretlint");
  try {
    fs.copyFileSync(path.join(ROOT, ".secretlintrc.json"), path.join(scratch.dir, ".secretlintrc.json"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(scratch.dir, name), text);
    const result = spawnSync(path.join(ROOT, "node_modules", ".bin", "secretlint"), ["--maskSecrets", "**/*"], { cwd: scratch.dir, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    scratch.remove();
  }
}

describe("the secret scan", () => {
  it.each([
    ["smtpPassword", `config:\n  billing-monitoring:smtpPassword: ${TOKEN}\n`],
    ["smtpUsername of a server-token login", `config:\n  billing-monitoring:smtpUsername: "${TOKEN}"\n`],
  ])("finds a Postmark token in a stack file (%s), masked", (_what, text) => {
    const result = scan({ "Pulumi.production.yaml": text });
    expect(result.status).toBe(1);
    expect(result.output).toContain("Pulumi.production.yaml");
    expect(result.output).toContain("@secretlint/secretlint-rule-pattern");
    expect(result.output).not.toContain(TOKEN);
  });

  it("passes a stack file whose secrets are encrypted, and a UUID outside stack files", () => {
    const result = scan({
      "Pulumi.production.yaml": "config:\n  billing-monitoring:smtpPassword:\n    secure: AAABAGx0cmFuc2l0LWVuY3J5cHRlZC12YWx1ZQ==\n",
      "notes.md": `request id ${TOKEN}\n`,
    });
    expect(result).toEqual({ status: 0, output: "" });
  });
});
