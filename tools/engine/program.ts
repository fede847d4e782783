/**
 * This project's stacks run through the local engine (tools/engine/), the way `pulumi preview` and `pulumi up` run them:
 * Pulumi's own `cmd/run` starts index.ts with the stack file's config. The one way the tests, the renderer, the
 * sandbox, the bench and `npm run preview` run the program.
 *
 * A gated stack (production) reads its promotion source stack (staging) through a StackReference; when that
 * stack is one of this project's, it is run first (as `pulumi up`) and its outputs are what the reference reads.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { RULE_FILE } from "../../alerts";
import type { Mode, RegisteredResource, StackOutputs } from "./monitor";
import { type ProgramRun, runProgram, succeeded } from "./run";
import { readProject, readStackConfig } from "./stack-config";

/** The project root: the nearest folder up holding Pulumi.yaml (the compiled copy runs from dist/). */
export const ROOT = ((): string => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
  }
  throw new Error(`no Pulumi.yaml above ${__dirname}`);
})();

const PROJECT = readProject(ROOT).name;

export type StackRun = ProgramRun;
export type RecordedResource = RegisteredResource;
export type { Mode };

/** A stack's config as written in its Pulumi.<stack>.yaml, as the CLI passes it, keys without the project prefix. */
export function readStackFile(stack: string): Record<string, string> {
  const prefix = `${PROJECT}:`;
  const { values } = readStackConfig(readProject(ROOT), stack);
  return Object.fromEntries(Object.entries(values).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
}

/** The keys (bare) a stack file holds as `secure:` values, encrypted by the Pulumi CLI. */
export function encryptedStackKeys(stack: string): string[] {
  const prefix = `${PROJECT}:`;
  return readStackConfig(readProject(ROOT), stack).encrypted.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

/** The rule file a run declares: the data of the rules ConfigMap its AlertRules component writes (`<name>-rules`). */
export function declaredRuleFile(run: ProgramRun): string {
  const configMap = run.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name.endsWith("-rules"));
  const text = (configMap?.inputs.data as Record<string, string> | undefined)?.[RULE_FILE];
  if (text === undefined) throw new Error(`the run of ${run.stack} declared no rule file (no rules ConfigMap holding ${RULE_FILE})`);
  return text;
}

/** The stack file a fully qualified stack name (organization/project/stack) refers to, when it is one of ours. */
export function localStack(qualifiedName: string): string | undefined {
  const [, project, stack] = qualifiedName.split("/");
  return project === PROJECT && stack && fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)) ? stack : undefined;
}

export interface StackRunOptions {
  readonly stack: string;
  /** @default "update" */
  readonly mode?: Mode;
  /** Config over the stack file's (bare keys); `undefined` removes a key. */
  readonly config?: Readonly<Record<string, string | undefined>>;
  /** Config every stack of the run gets, the promotion source stack too: what each user sets by hand. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Secret config every stack of the run gets, the promotion source stack too (`pulumi config set --secret`). */
  readonly settingSecrets?: Readonly<Record<string, string>>;
  /** Secret config of this stack alone, over `settingSecrets`; `undefined` removes one. */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /**
   * What other stacks export, by fully qualified name. Unset: a promotion source stack of this project is run
   * first (its committed config, with `settings` and `settingSecrets`) and its outputs used; any other read is
   * refused.
   */
  readonly stackOutputs?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Extra environment for the program (the user's shell), e.g. PULUMI_NODEJS_TRANSPILE_ONLY. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Whether an earlier run with the same options is reused: `off` runs the program anew; `process` reuses runs of
   * this process; `disk` also those kept in {@link RUN_CACHE}. @default "process"
   */
  readonly cache?: "off" | "process" | "disk";
}

/**
 * Where runs are kept for reuse with `cache: "disk"`: one JSON file per run, named by a hash of the run's options and
 * of every file the run depends on (the program, the engine, its stack file, tsconfig, the lockfile). A change to
 * any of them is a new name, so a kept run is always what the program would declare now. Only the tests keep runs
 * there, with their test-only secret values, and the renders they start with BILLING_MONITORING_RUN_CACHE=render
 * (placeholders for every secret). Off when BILLING_MONITORING_RUN_CACHE=off; a clean clone (CI) has none and runs
 * everything.
 */
export const RUN_CACHE = path.join(ROOT, "node_modules", ".cache", "billing-monitoring", "runs");

const SOURCE_DIRS = ["alerts", "common", "components", "config", "dashboards", "gates", "promql", "tools/engine"];
const SOURCE_FILES = /^(Pulumi(\.[\w-]+)?\.yaml|tsconfig\.json|package(-lock)?\.json|[\w-]+\.ts)$/;

const sourcesHashes = new Map<string, string>();
/**
 * One hash over the program, the engine and what configures them, for a run of `stack`: its own stack file, not the
 * other stacks' (a run reads only its own; what it reads of another stack, its outputs, is in the run's key), so
 * changing one stack's file keeps every other stack's runs.
 */
function sourcesFingerprint(stack: string): string {
  const known = sourcesHashes.get(stack);
  if (known) return known;
  const hash = createHash("sha256");
  const add = (file: string): void => {
    hash.update(path.relative(ROOT, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else add(full);
    }
  };
  const otherStack = (entry: string): boolean => /^Pulumi\.[\w-]+\.yaml$/.test(entry) && entry !== `Pulumi.${stack}.yaml`;
  for (const entry of fs.readdirSync(ROOT).sort()) if (SOURCE_FILES.test(entry) && !otherStack(entry)) add(path.join(ROOT, entry));
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  const digest = hash.digest("hex");
  sourcesHashes.set(stack, digest);
  return digest;
}

/** At most this many programs run at once in one process: each takes a core while it loads. */
const MAX_CONCURRENT_RUNS = 2;
let running = 0;
const waiting: (() => void)[] = [];
async function withRunSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT_RUNS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

const inProcess = new Map<string, Promise<ProgramRun>>();

/**
 * A run kept on disk under `file`, or made now and kept there. One process makes it while others wait (a lock file
 * created exclusively): the test workers start on the same stacks at the same time.
 */
async function diskCached(file: string, run: () => Promise<ProgramRun>): Promise<ProgramRun> {
  const lock = `${file}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (;;) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as ProgramRun;
    let held: number | undefined;
    try {
      held = fs.openSync(lock, "wx");
    } catch {
      // Another process is making it; a lock older than a run's timeout is left over from a killed process.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 150_000) fs.rmSync(lock, { force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      const result = await run();
      // Written whole under a temporary name, then renamed: a reader never sees half a run.
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify(result));
      fs.renameSync(partial, file);
      return result;
    } finally {
      fs.closeSync(held);
      fs.rmSync(lock, { force: true });
    }
  }
}

/** One run through the local engine, reused as `cache` says. Never throws for a program failure. */
function engineRun(options: StackRunOptions, stackOutputs: Readonly<Record<string, StackOutputs>>): Promise<ProgramRun> {
  // A setting secret stands in for a `secure:` value the stack file would hold; it never covers a value the stack
  // file (or a config override, which stands for one) holds in plain text: the program must see it, and refuse it,
  // as the CLI would pass it.
  const overridden = Object.entries(options.config ?? {}).filter(([, value]) => value !== undefined).map(([key]) => key);
  const plain = new Set([...Object.keys(readStackFile(options.stack)), ...overridden]);
  const settingSecrets = Object.fromEntries(Object.entries(options.settingSecrets ?? {}).filter(([key]) => !plain.has(key)));
  const request = { stack: options.stack, mode: options.mode ?? "update", config: { ...options.settings, ...options.config }, secrets: { ...settingSecrets, ...options.secrets }, stackOutputs, env: options.env ?? {} };
  const run = (): Promise<ProgramRun> => withRunSlot(() => runProgram({ root: ROOT, ...request, env: { ...process.env, ...request.env } }));
  const cache = options.cache ?? "process";
  if (cache === "off") return run();
  // `undefined` (a key removed) is kept in the key: JSON.stringify would drop it, so that a run without the key and a
  // run with the stack file's value would share one.
  const key = createHash("sha256").update(JSON.stringify(request, (_name, value: unknown) => (value === undefined ? "\0undefined" : value))).digest("hex");
  let pending = inProcess.get(key);
  if (!pending) {
    const onDisk = cache === "disk" && process.env.BILLING_MONITORING_RUN_CACHE !== "off";
    pending = onDisk ? diskCached(path.join(RUN_CACHE, `${createHash("sha256").update(sourcesFingerprint(options.stack)).update(key).digest("hex")}.json`), run) : run();
    inProcess.set(key, pending);
  }
  return pending;
}

const asStackOutputs = (outputs: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Record<string, StackOutputs> =>
  Object.fromEntries(Object.entries(outputs).map(([name, values]) => [name, { outputs: values }]));

/** The outputs a stack's StackReferences read: given ones, or its local promotion source stack run first. */
async function readableStacks(options: StackRunOptions): Promise<Record<string, StackOutputs>> {
  if (options.stackOutputs) return asStackOutputs(options.stackOutputs);
  const config = { ...readStackFile(options.stack), ...options.config };
  const source = config.promotionSourceStack;
  const local = source ? localStack(source) : undefined;
  if (!source || !local) return {};
  // The source stack as deployed from this commit: `pulumi up` with its committed config and its own secrets.
  const sourceRun = succeeded(await runStack({ ...options, stack: local, mode: "update", config: {}, secrets: {}, stackOutputs: undefined }));
  return { [source]: { outputs: sourceRun.outputs, secretOutputNames: sourceRun.secretOutputs } };
}

/** Runs one stack of this project through the local engine. Returns failed runs too: see `succeeded`. */
export async function runStack(options: StackRunOptions): Promise<ProgramRun> {
  return engineRun(options, await readableStacks(options));
}
