/** The README is the front door, not the manual: short, the two set-up commands, and a link to every guide. */
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";
import { markdownLinks } from "./markdown";

const README = path.join(ROOT, "README.md");
/** About kubernetes-mixin's README: read in five minutes. */
const MAX_README_BYTES = 12 * 1024;

describe("README.md", () => {
  const text = fs.readFileSync(README, "utf8");

  it(`stays at most ${MAX_README_BYTES} bytes (what is longer goes into a guide under docs/)`, () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_README_BYTES);
  });

  it("keeps exactly two set-up commands, and .ci/run runs the test one", () => {
    const setup = text.split("## Set up")[1].split("\n## ")[0];
    const commands = [...setup.matchAll(/^```sh\n([\s\S]*?)```/gm)].flatMap((m) => m[1].trim().split("\n"));
    expect(commands.map((line) => line.replace(/\s+#.*$/, ""))).toEqual(["./tools/setup.sh --npm-only && npm run preview -- --stack staging", "./tools/setup.sh && npm test"]);
    expect(fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8")).toContain("./tools/setup.sh && npm test");
  });

  it("links every guide in docs/ (and the runbooks' index) exactly once", () => {
    const guides = [...fs.readdirSync(path.join(ROOT, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`), "docs/runbooks/README.md"].sort();
    const linked = markdownLinks(text).map((link) => link.split("#")[0]).filter((target) => target.startsWith("docs/") && target.endsWith(".md"));
    expect(linked.sort()).toEqual(guides);
  });
});
