/**
 * The change summary for a pull request: renders two revisions as `npm run render` does and prints, in Markdown,
 * what the change does per stack (tools/review/summary.ts).
 *
 *   npm run review -- --base origin/main                 the working tree against a revision
 *   npm run review -- --base <ref> --head <ref>          two revisions
 *   npm run review -- --base origin/main --out FILE      also write the Markdown to FILE
 *
 * A revision is rendered from its own files (git archive into a scratch directory, sharing this node_modules), so
 * the summary shows what that revision deploys even when its committed rendered/ is stale. Exit codes: 0 summary
 * printed, 1 a revision did not render, 2 a wrong command line or an unknown revision.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { KNOWN_STACKS } from "../../config";
import { readStackModel, type StackModel } from "../review/model";
import { summarize } from "../review/summary";
import { type CommandSpec, type OptionSpec, type Parsed, runAsScript, runCommand, UsageError } from "./args";
import { ROOT } from "../engine/program";

const HELP = `usage: npm run review -- --base <git ref> [--head <git ref>] [--out <file>]

Renders both revisions (the working tree when --head is not given) and prints what the change does per stack, in
Markdown: alerts added, removed and changed (threshold, for, severity), who gets which alert and how often,
receivers, inhibition and time intervals, dashboard panels, the image and the resources; a resource whose URN
changes without an alias as breaking (pulumi up would delete and re-create it), with the alias that keeps it.

Exit codes: 0 summary printed, 1 a revision did not render, 2 a wrong command line or an unknown revision.`;

interface Options {
  readonly base: string;
  readonly head?: string;
  readonly out?: string;
}

const REVIEW = {
  name: "review",
  usage: HELP,
  options: { base: { type: "string" }, head: { type: "string" }, out: { type: "string" } },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

function checkedOptions({ options }: Parsed<typeof REVIEW.options>): Options {
  if (!options.base) throw new UsageError("--base <git ref> is required (e.g. --base origin/main)");
  return { base: options.base, head: options.head, out: options.out };
}

const git = (args: readonly string[]) => spawnSync("git", [...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

/** The commit a ref names, or a usage error naming it. */
function commitOf(ref: string): string {
  const parsed = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (parsed.status !== 0) throw new UsageError(`unknown revision ${JSON.stringify(ref)} (git rev-parse found no commit; fetch it first, e.g. git fetch origin main)`);
  return parsed.stdout.trim();
}

export class RenderError extends Error {}

/** Renders a source tree (`cwd`) with its own tools/cli/render.ts into `out`. */
function render(cwd: string, out: string, what: string): void {
  const result = spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts", "--out", out], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new RenderError(`${what} does not render:\n${(result.stderr || result.stdout).trim()}`);
}

/** Each stack's model from a rendered tree. */
function models(rendered: string): Map<string, StackModel> {
  const stacks = fs.readdirSync(rendered).filter((entry) => fs.existsSync(path.join(rendered, entry, "outputs.yaml")));
  return new Map(stacks.map((stack) => [stack, readStackModel(path.join(rendered, stack))]));
}

/** Renders a revision (or, with `undefined`, the working tree) into `scratch` and reads its stacks. */
function renderRevision(ref: string | undefined, scratch: string, log: (line: string) => void): Map<string, StackModel> {
  const out = path.join(scratch, "rendered");
  if (ref === undefined) {
    log("rendering the working tree…");
    render(ROOT, out, "the working tree");
    return models(out);
  }
  const commit = commitOf(ref);
  log(`rendering ${ref} (${commit.slice(0, 12)})…`);
  const source = path.join(scratch, "source");
  fs.mkdirSync(source, { recursive: true });
  const archive = path.join(scratch, "source.tar");
  const archived = git(["archive", "--format=tar", "-o", archive, commit]);
  if (archived.status !== 0) throw new RenderError(`git archive ${ref} failed: ${archived.stderr.trim()}`);
  const unpacked = spawnSync("tar", ["-xf", archive, "-C", source], { encoding: "utf8" });
  if (unpacked.status !== 0) throw new RenderError(`unpacking ${ref} failed: ${unpacked.stderr.trim()}`);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(source, "node_modules"));
  render(source, out, ref);
  return models(out);
}

/** The summary between two revisions; every scratch directory is removed, whatever happens. */
export function review(options: { readonly base: string; readonly head?: string }, log: (line: string) => void = () => undefined): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "billing-review-"));
  try {
    const base = renderRevision(options.base, path.join(scratch, "base"), log);
    const head = renderRevision(options.head, path.join(scratch, "head"), log);
    const order = (stack: string): number => (KNOWN_STACKS as readonly string[]).indexOf(stack) >>> 0;
    const stacks = [...new Set([...base.keys(), ...head.keys()])].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    return summarize(stacks, base, head, { base: options.base, head: options.head ?? "working tree" });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(REVIEW, argv, async (parsed) => {
    const options = checkedOptions(parsed);
    try {
      const markdown = review(options, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(markdown);
      if (options.out) fs.writeFileSync(options.out, markdown);
      return 0;
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
  });
}

if (require.main === module) runAsScript(main);
