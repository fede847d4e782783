/**
 * Side-by-side timing of whole commands: each round runs every command once, in turn, so machine noise hits all of
 * them alike; the median of the rounds is reported, and ratios between commands are what hold across machines.
 */
import { spawnSync } from "node:child_process";

export interface TimedCommand {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Environment over this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Runs before each timed run (outside the timing), e.g. to remove a cache. */
  readonly before?: () => void;
  /** Runs after each timed run (outside the timing), e.g. to collect a file the command wrote. */
  readonly after?: () => void;
}

export interface Timing {
  readonly name: string;
  readonly commandLine: string;
  readonly seconds: readonly number[];
  readonly median: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function timeSideBySide(commands: readonly TimedCommand[], rounds: number, cwd: string): Timing[] {
  const seconds = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    commands.forEach((command, i) => {
      command.before?.();
      const start = process.hrtime.bigint();
      const result = spawnSync(command.command, command.args, { cwd, stdio: "pipe", encoding: "utf8", env: { ...process.env, ...command.env } });
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      if (result.status !== 0) throw new Error(`${command.name} failed (${result.status}): ${result.stderr}`);
      seconds[i].push(elapsed);
      command.after?.();
    });
  }
  return commands.map((command, i) => ({
    name: command.name,
    commandLine: [...Object.entries(command.env ?? {}).map(([key, value]) => `${key}=${value}`), command.command, ...command.args].join(" "),
    seconds: seconds[i],
    median: median(seconds[i]),
  }));
}

/**
 * The program-run commands: the floor of loading the Pulumi packages; one stack's `pulumi preview` through the local
 * engine (Pulumi's cmd/run, the project's ts-node with swc); the same with Pulumi's default, ts-node type-checking
 * (`typeCheckedTsconfig`: the project's tsconfig without its ts-node section); and the render of both stacks.
 */
export function programRunCommands(outDir: string, typeCheckedTsconfig: string): TimedCommand[] {
  const node = process.execPath;
  return [
    { name: "floor: load @pulumi/pulumi, @pulumi/kubernetes, @pulumiverse/grafana", command: node, args: ["-e", 'require("@pulumi/pulumi");require("@pulumi/kubernetes");require("@pulumiverse/grafana")'] },
    { name: "preview staging through the local engine", command: node, args: ["dist/tools/cli/preview.js", "--stack", "staging"] },
    { name: "preview staging, ts-node type-checking", command: node, args: ["dist/tools/cli/preview.js", "--stack", "staging"], env: { PULUMI_NODEJS_TSCONFIG_PATH: typeCheckedTsconfig } },
    { name: "render both stacks", command: node, args: ["dist/tools/cli/render.js", "--out", outDir] },
  ];
}
