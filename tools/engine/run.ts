/**
 * Runs the project's Pulumi program the way the CLI does: a {@link LocalMonitor} stands in for the engine, and the
 * program is started as the CLI's Node.js language host (`pulumi-language-nodejs`) starts it, with Pulumi's own
 * `@pulumi/pulumi/cmd/run`, the same arguments and the same environment:
 *
 *   node <nodeargs> <cmd/run> --monitor <addr> --engine <addr> --sync <dir> --organization <org> --project <name>
 *        --root-directory <dir> --stack <stack> --pwd <dir> [--dry-run] --parallel <n> <entry>
 *
 * with PULUMI_CONFIG (`<namespace>:config:<key>` → string), PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT and,
 * when Pulumi.yaml sets `tsconfig`, PULUMI_NODEJS_TSCONFIG_PATH. PULUMI_NODEJS_TRANSPILE_ONLY is passed only when
 * the caller's environment has it, as the CLI does. Where it differs from the CLI: `--sync` names an empty folder, so
 * a synchronous invoke fails (the CLI serves it through two FIFOs there; this program makes none); and a program is
 * stopped a second after the engine refused one of its requests (see {@link LocalMonitor}).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { LocalMonitor, type LogEntry, type Mode, type RegisteredResource, type StackOutputs } from "./monitor";
import { type Project, qualifiedKey, readProject, readStackConfig } from "./stack-config";

export interface RunOptions {
  /** The project folder, holding Pulumi.yaml and the stack files. */
  readonly root: string;
  readonly stack: string;
  /** `preview` runs as `pulumi preview` (`--dry-run`), `update` as `pulumi up`. */
  readonly mode: Mode;
  /**
   * Config as `pulumi config set` stores it, by key (bare keys belong to the project), over the stack file's;
   * `undefined` removes a key the stack file sets.
   */
  readonly config?: Readonly<Record<string, string | undefined>>;
  /** Secret config (`pulumi config set --secret`), marked secret for the program as the CLI marks it. */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /** What other stacks export, by fully qualified name, for the program's StackReferences. */
  readonly stackOutputs?: Readonly<Record<string, StackOutputs>>;
  /** @default "organization", the CLI's organization for a self-managed backend */
  readonly organization?: string;
  /** Environment of the user running the CLI. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** How long the program may run before it is killed, in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

export interface ProgramRun {
  readonly stack: string;
  readonly mode: Mode;
  /** The program's exit code (null when it was killed), as the language host reports it. */
  readonly exitCode: number | null;
  /** Every resource the program registered or read, in the order the engine saw them, the Stack first. */
  readonly resources: readonly RegisteredResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly secretOutputs: readonly string[];
  /** Every Engine.Log message, with its severity. */
  readonly logs: readonly LogEntry[];
  /** Requests the local engine refused (invokes, calls, reads of stacks it was not given). */
  readonly refused: readonly string[];
  /** What the program printed. */
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the run, in milliseconds. */
  readonly milliseconds: number;
}

function programConfig(project: Project, options: RunOptions): { config: Record<string, string>; secretKeys: string[] } {
  const file = readStackConfig(project, options.stack);
  const config: Record<string, string> = { ...file.values };
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(options.config ?? {})) {
    const qualified = qualifiedKey(project.name, key);
    if (value === undefined) delete config[qualified];
    else config[qualified] = value;
  }
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    const qualified = qualifiedKey(project.name, key);
    if (value === undefined) {
      delete config[qualified];
      continue;
    }
    config[qualified] = value;
    secretKeys.add(qualified);
  }
  const undecryptable = file.encrypted.filter((key) => !secretKeys.has(key));
  if (undecryptable.length > 0) {
    throw new Error(`Pulumi.${options.stack}.yaml holds encrypted values the local engine cannot decrypt: ${undecryptable.join(", ")}; pass them as secrets`);
  }
  return { config, secretKeys: [...secretKeys].sort() };
}

/** The CLI's encoding of config for the language host: `<namespace>:config:<key>`. */
const hostConfigKey = (key: string): string => {
  const at = key.indexOf(":");
  return `${key.slice(0, at)}:config:${key.slice(at + 1)}`;
};

/** Runs the program once, in preview or update mode, and returns what it did. Never throws for a program failure. */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const project = readProject(options.root);
  const { config, secretKeys } = programConfig(project, options);
  const monitor = new LocalMonitor({ project: project.name, stack: options.stack, mode: options.mode, stackOutputs: options.stackOutputs });
  const address = await monitor.listen();
  const syncDir = fs.mkdtempSync(path.join(os.tmpdir(), "billing-monitoring-sync-"));
  const started = Date.now();
  try {
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [project.programDir] });
    const callerEnv = options.env ?? process.env;
    const parallel = callerEnv.PULUMI_PARALLEL ?? String(os.cpus().length * 4);
    const args = [
      ...project.nodeargs,
      runPath,
      ...["--monitor", address, "--engine", address, "--sync", syncDir],
      ...["--organization", options.organization ?? "organization", "--project", project.name, "--root-directory", project.root],
      ...["--stack", options.stack, "--pwd", project.programDir],
      ...(options.mode === "preview" ? ["--dry-run"] : []),
      ...["--parallel", parallel],
      project.entry,
    ];
    const env: NodeJS.ProcessEnv = {
      ...callerEnv,
      PULUMI_CONFIG: JSON.stringify(Object.fromEntries(Object.entries(config).map(([key, value]) => [hostConfigKey(key), value]))),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
      PULUMI_NODEJS_TYPESCRIPT: String(project.typescript),
      ...(project.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: project.tsconfig } : {}),
    };
    const child = spawn(process.execPath, args, { cwd: project.programDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timeoutMs = options.timeoutMs ?? 120_000;
    const { recording } = monitor;
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        stderr += `\nthe program ran longer than ${timeoutMs} ms and was killed`;
        child.kill("SIGKILL");
      }, timeoutMs);
      // A refused request fails the program, but Pulumi's cmd/run first spends ~45 s formatting the SDK's error with
      // util.inspect (Node 20) before it logs it and exits. The program is stopped a second after the refusal instead;
      // its failure is the refusal's message.
      let refusedAt: number | undefined;
      const watch = setInterval(() => {
        if (recording.refused.length === 0) return;
        refusedAt ??= Date.now();
        if (Date.now() - refusedAt >= 1000) child.kill("SIGTERM");
      }, 250);
      const settle = (): void => {
        clearTimeout(timer);
        clearInterval(watch);
      };
      child.on("error", (error) => {
        settle();
        reject(error);
      });
      child.on("close", (code) => {
        settle();
        resolve(code);
      });
    });
    return {
      stack: options.stack,
      mode: options.mode,
      exitCode,
      resources: recording.resources,
      outputs: recording.stackOutputs,
      secretOutputs: recording.secretOutputs,
      logs: recording.logs,
      refused: recording.refused,
      stdout,
      stderr,
      milliseconds: Date.now() - started,
    };
  } finally {
    await monitor.close();
    fs.rmSync(syncDir, { recursive: true, force: true });
  }
}

/** The error messages a user would see from the CLI for a failed run; empty for a run that succeeded. */
export function failureOf(run: ProgramRun): string[] {
  if (run.exitCode === 0 && run.refused.length === 0) return [];
  const errors = run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
  const messages = [...run.refused, ...errors];
  if (messages.length === 0) messages.push(`the program exited with code ${run.exitCode}${run.stderr.trim() ? `:\n${run.stderr.trim()}` : ""}`);
  return messages;
}

/** The run, or an error carrying its failure messages. */
export function succeeded(run: ProgramRun): ProgramRun {
  const failure = failureOf(run);
  if (failure.length > 0) throw new Error(failure.join("\n"));
  return run;
}
