/**
 * `npm run review` on a change to the other teams' base configuration (`alertmanagerBase`): summarised like any other
 * routing change, from the rendered data, while billing's own alerts keep their receivers.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { readStackModel } from "../../../tools/review/model";
import { stackSections } from "../../../tools/review/summary";
import { renderFiles } from "../../../tools/render/render";
import { runStack } from "../../helpers/stack";
import { tempDir } from "../../helpers/tools";

async function rendered(root: string, name: string, config: Record<string, string>): Promise<string> {
  const dir = path.join(root, name, "production");
  for (const [file, content] of renderFiles(await runStack("production", { config }))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

describe("a change to the base configuration, reviewed", () => {
  it("GIVEN the base added to the owner WHEN summarised THEN it lists the other teams' receivers, inhibition, time interval and global settings, and no billing alert changes receiver", async () => {
    const work = tempDir("review-base");
    try {
      const before = readStackModel(await rendered(work.dir, "before", {}));
      const after = readStackModel(await rendered(work.dir, "after", { alertmanagerBase: "test/fixtures/alertmanager-base.yml" }));
      const sections = new Map(stackSections(before, after));
      expect([...sections.keys()]).toEqual(["Alertmanager configuration"]);
      const lines = sections.get("Alertmanager configuration")!;
      for (const receiver of ["platform-default", "platform-oncall", "platform-tickets", "search-team"]) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^- receiver \`${receiver}\` added: email to .*@example.org \\(no resolved\\)$`)));
      expect(lines).toContain("- receiver `search-archive` added: sends nothing");
      expect(lines).toContain("- receiver `other-alerts` removed");
      expect(lines).toContain('- inhibition added: alertname="ClusterDown" mutes team="platform" (same cluster)');
      expect(lines).toContain("- time interval `weekends` added: saturday, sunday");
      expect(lines).toContain("- global smtp_smarthost: smtp.postmarkapp.com:587 → smtp.internal.example:25");
    } finally {
      work.remove();
    }
  });
});
