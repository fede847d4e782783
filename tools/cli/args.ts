/**
 * The one command-line parser every command under tools/cli uses. Each command declares its options (string or
 * boolean, `multiple` for a repeatable one, positionals where it takes them) and its usage text; this module answers
 * `--help` (or `-h`) with that text on stdout, exit 0, and refuses an unknown option, a missing value or an unexpected
 * argument with one line naming it and "Run: npm run <command> -- --help" on stderr, exit 2.
 *
 * The tokenising is Node's own `util.parseArgs` (node:util, stable since Node 20; a well-kept library, so no
 * hand-written loop over argv). It runs non-strict with `tokens: true` and the checks are made here on its tokens,
 * so every message names the option as the person typed it, in this project's words rather than Node's error codes.
 * As `util.parseArgs` does in strict mode, a value may not start with "-" unless given inline (`--out=-dir`): a
 * forgotten value does not swallow the next option.
 */
import { parseArgs } from "node:util";

/** A mistake on the command line; the command's usage pointer follows its message, exit 2. */
export class UsageError extends Error {}

export const EXIT_USAGE = 2;

export type OptionSpec = { readonly type: "boolean" } | { readonly type: "string"; readonly multiple?: boolean };

export interface CommandSpec<O extends Readonly<Record<string, OptionSpec>>> {
  /** The npm script that runs the command, as in `npm run <name> -- --help`. */
  readonly name: string;
  /** The text `--help` prints; its first line is `usage: npm run <name> …`. */
  readonly usage: string;
  /** Every option by its long name, without the dashes; `help` is added to every command. */
  readonly options: O;
  /** Whether bare arguments are taken (render's `--diff <stack> <stack>`); the command checks how many. @default false */
  readonly positionals?: boolean;
}

/** What a command line gives: a boolean is false when absent, a string undefined, a repeatable string []. */
export type ParsedOptions<O extends Readonly<Record<string, OptionSpec>>> = {
  readonly [K in keyof O]: O[K] extends { type: "boolean" } ? boolean : O[K] extends { multiple: true } ? readonly string[] : string | undefined;
};

export interface Parsed<O extends Readonly<Record<string, OptionSpec>>> {
  readonly options: ParsedOptions<O>;
  readonly positionals: readonly string[];
}

const HELP_FLAGS = ["--help", "-h"];

/** Whether the person asked for help: `--help` or `-h` anywhere before a `--`, even after an option missing its value. */
function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((arg) => HELP_FLAGS.includes(arg));
}

/** The command line read against a command's spec, "help" when help was asked for; a mistake throws UsageError. */
export function parseCommandLine<O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<O>, argv: readonly string[]): Parsed<O> | "help" {
  if (asksForHelp(argv)) return "help";
  const { tokens } = parseArgs({ args: [...argv], options: spec.options as Record<string, OptionSpec>, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, boolean | string | string[] | undefined> = {};
  for (const [name, option] of Object.entries(spec.options)) values[name] = option.type === "boolean" ? false : "multiple" in option && option.multiple ? [] : undefined;
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (!spec.positionals) throw new UsageError(`unexpected argument ${token.value}`);
      positionals.push(token.value);
      continue;
    }
    const option = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    if (!option) throw new UsageError(`unknown option ${token.rawName}`);
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-"))) throw new UsageError(`${token.rawName} needs a value`);
    const previous = values[token.name];
    values[token.name] = Array.isArray(previous) ? [...previous, token.value] : token.value;
  }
  return { options: values as ParsedOptions<O>, positionals };
}

/** Where a command writes; tests pass their own. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const PROCESS_IO: CommandIo = { out: (text) => void process.stdout.write(text), err: (text) => void process.stderr.write(text) };

/** The message and the pointer to `--help` a UsageError prints. */
export const usageMessage = (name: string, error: UsageError): string => `${error.message}\nRun: npm run ${name} -- --help\n`;

/**
 * Runs a command's body on its parsed command line: `--help` prints the usage (exit 0); a UsageError, from the parser
 * or from the command's own checks, prints its message and the help pointer (exit 2); otherwise the body's exit code.
 */
export async function runCommand<O extends Readonly<Record<string, OptionSpec>>>(spec: CommandSpec<O>, argv: readonly string[], body: (parsed: Parsed<O>) => Promise<number>, io: Partial<CommandIo> = {}): Promise<number> {
  const { out, err } = { ...PROCESS_IO, ...io };
  try {
    const parsed = parseCommandLine(spec, argv);
    if (parsed === "help") {
      out(`${spec.usage}\n`);
      return 0;
    }
    return await body(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(usageMessage(spec.name, error));
    return EXIT_USAGE;
  }
}

/** The one way a script's `main(argv)` becomes the process: its exit code, or its error's message and exit code 1. */
export function runAsScript(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
