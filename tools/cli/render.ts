/**
 * Renders what each stack would apply into rendered/<stack>/, by running index.ts through the local engine as
 * `pulumi up` runs it (Pulumi's own cmd/run; no CLI, cloud or cluster). Secrets become a fixed marker. Reviewers
 * read the diff of rendered/.
 *
 *   npm run render                              both stacks, and each example, into rendered/
 *   npm run render -- --check                   fail when rendered/ is stale
 *   npm run render -- --out DIR                 render somewhere else
 *   npm run render -- --stacks staging          render only these stacks (comma-separated)
 *   npm run render -- --diff staging production show how two stacks differ
 *   npm run render -- --removed <URN>           drop a resource from rendered/identities.yaml on purpose (also
 *                                               output:<name>, config:<key>; repeat the flag for more)
 *
 * rendered/identities.yaml (tools/review/identities.ts) holds every resource's URN in every variant (VARIANTS), the
 * outputs' and the config keys' names. A render never drops one of the file it replaces: an identity that
 * disappears without an alias refuses the render, naming the alias to add, unless `--removed` names it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { KNOWN_STACKS } from "../../config";
import { IDENTITIES_FILE } from "../review/identities";
import { diffStacks, readTree, renderAll, RENDERED, staleFiles } from "../render/render";
import { type CommandSpec, type OptionSpec, type Parsed, runAsScript, runCommand, UsageError } from "./args";

const RENDER = {
  name: "render",
  usage: `usage: npm run render [-- --check | --diff <stack> <stack> | --stacks <stack>[,<stack>…] | --out <dir> | --removed <URN | output:<name> | config:<key>>…]

  (no option)                  render every stack, and each example, into rendered/
  --check                      fail when rendered/ is stale (exit 1), naming the stale files
  --diff <stack> <stack>       show how two stacks differ, each stack's own names read as placeholders
  --stacks <stack>[,<stack>…]  render only these stacks (${KNOWN_STACKS.join(", ")})
  --out <dir>                  render somewhere else
  --removed <identity>         drop an identity from rendered/identities.yaml on purpose: a resource's URN,
                               output:<name> or config:<key>; repeat the option for more
  --help                       this text`,
  options: { check: { type: "boolean" }, diff: { type: "boolean" }, stacks: { type: "string" }, out: { type: "string" }, removed: { type: "string", multiple: true } },
  positionals: true,
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

function knownStacks(list: string): string[] {
  const stacks = list.split(",").map((stack) => stack.trim());
  const unknown = stacks.filter((stack) => !(KNOWN_STACKS as readonly string[]).includes(stack));
  if (unknown.length > 0 || stacks.length === 0) throw new UsageError(`unknown stack ${unknown.join(", ")}: the stacks are ${KNOWN_STACKS.join(", ")} (Pulumi.<stack>.yaml)`);
  return stacks;
}

async function render({ options, positionals }: Parsed<typeof RENDER.options>): Promise<number> {
  const outDir = options.out ? path.resolve(options.out) : RENDERED;
  const removed = new Set(options.removed);
  if (positionals.length > 0 && !options.diff) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (options.check) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "billing-render-"));
    try {
      await renderAll(scratch, KNOWN_STACKS, { previousIdentities: path.join(RENDERED, IDENTITIES_FILE) });
      const stale = staleFiles(readTree(scratch), readTree(RENDERED));
      if (stale.length > 0) {
        process.stderr.write(`rendered/ is stale (${stale.length} file${stale.length === 1 ? "" : "s"}: ${stale.slice(0, 10).join(", ")}${stale.length > 10 ? ", …" : ""}).\nRun: npm run render, and commit rendered/ with your change.\n`);
        return 1;
      }
      process.stdout.write("rendered/ is up to date\n");
      return 0;
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (options.diff) {
    if (positionals.length !== 2) throw new UsageError("--diff needs two stacks");
    const [left, right] = positionals;
    knownStacks(`${left},${right}`);
    process.stdout.write(await diffStacks(left, right));
    return 0;
  }
  const stacks = options.stacks !== undefined ? knownStacks(options.stacks) : KNOWN_STACKS;
  await renderAll(outDir, stacks, { removed });
  process.stdout.write(`rendered ${stacks.join(", ")} into ${path.relative(process.cwd(), outDir) || "."}/\n`);
  return 0;
}

if (require.main === module) runAsScript((argv) => runCommand(RENDER, argv, render));
