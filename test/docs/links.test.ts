/** Every relative link of the README and the guides lands on a file that exists, and a link into a Markdown file on one of its headings. */
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../../tools/engine/program";
import { headingAnchors, markdownLinks } from "./markdown";

function markdownFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(file);
    return entry.name.endsWith(".md") ? [file] : [];
  });
}

const FILES = ["README.md", ...markdownFiles("docs")];

describe.each(FILES)("%s", (file) => {
  const links = markdownLinks(fs.readFileSync(path.join(ROOT, file), "utf8")).filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));

  it("links only to files that exist", () => {
    const missing = links.filter((target) => {
      const [pathPart] = target.split("#");
      return pathPart !== "" && !fs.existsSync(path.join(ROOT, path.dirname(file), decodeURIComponent(pathPart)));
    });
    expect(missing).toEqual([]);
  });

  it("links into Markdown files only at headings they have", () => {
    const broken = links.filter((target) => {
      const [pathPart, anchor] = target.split("#");
      if (anchor === undefined) return false;
      const linked = pathPart === "" ? file : path.join(path.dirname(file), decodeURIComponent(pathPart));
      if (!linked.endsWith(".md") || !fs.existsSync(path.join(ROOT, linked))) return false;
      return !headingAnchors(fs.readFileSync(path.join(ROOT, linked), "utf8")).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
