/**
 * The runbooks are read during incidents, so what they tell people to run must work: every `promql` block fits the
 * metric catalogue and the recorded series, every config key they name exists, and every link between them lands.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { CONFIG_SCHEMA } from "../../config";
import { checkPromQL, recordedLabels } from "../helpers/promql-checker";
import { allRules, deployedRuleFile } from "../helpers/rule-file";

const RUNBOOK_DIR = path.join(__dirname, "..", "..", "docs", "runbooks");
const RUNBOOKS = fs.readdirSync(RUNBOOK_DIR).filter((file) => file.endsWith(".md")).sort();
const read = (file: string): string => fs.readFileSync(path.join(RUNBOOK_DIR, file), "utf8");

/** Fenced blocks of one language. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```", "gm"))].map((m) => m[1].trim());
}

/** Markdown without its fenced blocks (a `#` comment in a shell block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** The anchors GitHub gives the headings of a file: lowercased, punctuation dropped, spaces to `-`, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#+ (.+)$/gm)) {
    const base = heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

describe("the runbooks in docs/runbooks/", () => {
  let recorded: Map<string, string[]>;
  beforeAll(async () => {
    const file = (await deployedRuleFile("production")).parsed;
    recorded = new Map(allRules(file).filter((rule) => rule.record).map((rule) => [rule.record!, recordedLabels(rule.record!)]));
  });

  it("are the five alert families, the alerting pipeline, the SLOs and the index", () => {
    expect(RUNBOOKS).toEqual(["README.md", "alerting-pipeline.md", "credits.md", "monitoring-pipeline.md", "payment-failures.md", "slos.md", "stripe-webhook-failures.md", "subscriptions.md"]);
  });

  it.each(RUNBOOKS)("%s: every promql block parses and uses only catalogue metrics, labels and recorded series", (file) => {
    const problems = blocks(read(file), "promql").flatMap((query) =>
      checkPromQL(query, { recorded, scrapeIntervalSeconds: 30 }).map((problem) => `${query.split("\n")[0]}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it.each(RUNBOOKS)("%s: every config key it names exists", (file) => {
    const named = [...prose(read(file)).matchAll(/config\s+keys?\s+((?:`\w+`(?:,\s+|\s+and\s+)?)+)/g)].flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((k) => k[1]));
    expect(named.filter((key) => !(key in CONFIG_SCHEMA))).toEqual([]);
  });

  it.each(RUNBOOKS)("%s: every link to a runbook section lands on a heading", (file) => {
    const broken = [...prose(read(file)).matchAll(/\]\(([\w.-]*\.md)?#([^)]+)\)/g)]
      .map(([, target, anchor]) => ({ target: target ?? file, anchor }))
      .filter(({ target, anchor }) => !RUNBOOKS.includes(target) || !anchors(read(target)).has(anchor));
    expect(broken).toEqual([]);
  });
});
