/**
 * `npm run preview -- --stack <name>`: what `pulumi preview` would show a reviewer, without the Pulumi CLI. The
 * program runs through the local engine exactly as the CLI runs it (Pulumi's own cmd/run, `--dry-run`, the stack
 * file's config); the engine stands in for the cluster and Grafana, so every resource shows as one to create.
 */
import * as fs from "node:fs";

import { failureOf } from "../engine/run";
import { UNKNOWN } from "../engine/wire";
import { PLACEHOLDER_SECRETS, PLACEHOLDER_SETTINGS } from "../render/render";
import { localStack, readStackFile, type RecordedResource, ROOT, runStack, type StackRun } from "../engine/program";
import { type CommandSpec, type OptionSpec, type Parsed, runAsScript, runCommand, UsageError } from "./args";

const USAGE = `usage: npm run preview -- --stack <name>

Runs the stack's program as \`pulumi preview --stack <name>\` does (Pulumi's own cmd/run, in preview mode, with
Pulumi.<name>.yaml) against a local stand-in for the engine, and prints the resources it would create, its
warnings and errors, and its outputs (secrets as [secret], values known only after an update as [unknown]).
Secrets and settings not in the stack file get placeholders; nothing is deployed.`;

const stacks = (): string[] =>
  fs
    .readdirSync(ROOT)
    .map((file) => /^Pulumi\.([\w-]+)\.yaml$/.exec(file)?.[1])
    .filter((name): name is string => Boolean(name))
    .sort();

/** The resource tree, as the CLI draws it. */
function tree(run: StackRun): string[] {
  const key = (resource: RecordedResource): string => `${resource.type}::${resource.name}`;
  const children = new Map<string, RecordedResource[]>();
  for (const resource of run.resources) {
    const parent = resource.parent ?? "";
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const width = Math.max(...run.resources.map((resource) => resource.type.length)) + 8;
  const lines: string[] = [];
  const draw = (resource: RecordedResource, prefix: string, last: boolean, root: boolean): void => {
    const branch = root ? "" : `${prefix}${last ? "└─ " : "├─ "}`;
    const op = resource.operation === "read" ? ">" : "+";
    lines.push(` ${op}   ${`${branch}${resource.type}`.padEnd(width)} ${resource.name}${resource.operation === "read" ? " (read)" : ""}`);
    const below = children.get(key(resource)) ?? [];
    below.forEach((child, i) => draw(child, root ? "" : `${prefix}${last ? "   " : "│  "}`, i === below.length - 1, false));
  };
  for (const top of children.get("") ?? []) draw(top, "", true, true);
  return lines;
}

function shown(value: unknown, secret: boolean): string {
  if (secret) return "[secret]";
  if (value === UNKNOWN) return "[unknown]";
  return JSON.stringify(value);
}

const PREVIEW = { name: "preview", usage: USAGE, options: { stack: { type: "string" } } } as const satisfies CommandSpec<Record<string, OptionSpec>>;

async function preview({ options }: Parsed<typeof PREVIEW.options>): Promise<number> {
  const { stack } = options;
  const known = stacks();
  if (!stack) throw new UsageError(`--stack needs a stack name; this project has: ${known.join(", ")}`);
  if (!known.includes(stack)) throw new UsageError(`no stack "${stack}": there is no Pulumi.${stack}.yaml; this project has: ${known.join(", ")}`);
  const file = readStackFile(stack);
  const placeholders = [...Object.keys(PLACEHOLDER_SETTINGS), ...Object.keys(PLACEHOLDER_SECRETS)].filter((key) => !(key in file));
  const source = file.promotionSourceStack ? localStack(file.promotionSourceStack) : undefined;
  process.stdout.write(`Previewing update (${stack}): the program runs through Pulumi's cmd/run with --dry-run, as \`pulumi preview --stack ${stack}\` runs it\n`);
  if (placeholders.length > 0) process.stdout.write(`Placeholders for the settings each user sets by hand: ${placeholders.join(", ")}\n`);
  if (source) process.stdout.write(`The promotion gate reads ${file.promotionSourceStack}: running stack ${source} first, as deployed from this checkout\n`);
  process.stdout.write("\n");

  const run = await runStack({ stack, mode: "preview", settings: PLACEHOLDER_SETTINGS, settingSecrets: PLACEHOLDER_SECRETS });
  const failure = failureOf(run);
  if (run.resources.length > 0) {
    process.stdout.write(`     ${"Type".padEnd(Math.max(...run.resources.map((r) => r.type.length)) + 8)} Name\n${tree(run).join("\n")}\n\n`);
  }
  const diagnostics = run.logs.filter((entry) => entry.severity === "warning" || entry.severity === "error");
  if (diagnostics.length > 0 || failure.length > 0) {
    process.stdout.write("Diagnostics:\n");
    for (const entry of diagnostics) process.stdout.write(`  ${entry.resource ?? `pulumi:pulumi:Stack (${stack})`}:\n    ${entry.severity}: ${entry.message.replace(/\n/g, "\n    ")}\n\n`);
    for (const message of run.refused) process.stdout.write(`  local engine:\n    error: ${message}\n\n`);
    if (diagnostics.length === 0 && run.refused.length === 0) process.stdout.write(`  error: ${failure.join("\n")}\n\n`);
  }
  if (failure.length > 0) {
    process.stdout.write(`The preview failed (exit code ${run.exitCode ?? "none: stopped"}); nothing would be deployed.\n`);
    return 1;
  }
  const secrets = new Set(run.secretOutputs);
  const names = Object.keys(run.outputs).sort();
  const width = Math.max(...names.map((name) => name.length));
  process.stdout.write(`Outputs:\n${names.map((name) => `    ${`${name}:`.padEnd(width + 1)} ${shown(run.outputs[name], secrets.has(name))}`).join("\n")}\n\n`);
  const created = run.resources.filter((resource) => resource.operation === "register").length;
  process.stdout.write(`Resources:\n    + ${created} to create${run.resources.length > created ? `, ${run.resources.length - created} read` : ""}\n\nPreview took ${(run.milliseconds / 1000).toFixed(1)} s.\n`);
  return 0;
}

if (require.main === module) runAsScript((argv) => runCommand(PREVIEW, argv, preview));
