/**
 * The command-line parser every tools/cli command uses (tools/cli/args.ts), in process: what a spec accepts, what it
 * refuses and in which words, and what runCommand prints and returns for help and for a mistake.
 */
import { type CommandSpec, type OptionSpec, parseCommandLine, runCommand, UsageError } from "../../../tools/cli/args";

const EXAMPLE = {
  name: "example",
  usage: "usage: npm run example [-- --out <dir>] [--check] [--removed <name>]… [<stack> <stack>]",
  options: { out: { type: "string" }, check: { type: "boolean" }, removed: { type: "string", multiple: true } },
  positionals: true,
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

const NO_POSITIONALS = { ...EXAMPLE, positionals: false } as const;

const refusal = (argv: readonly string[], spec: CommandSpec<Record<string, OptionSpec>> = EXAMPLE): string => {
  try {
    parseCommandLine(spec, argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
};

/** runCommand with its output captured; the body records what it was given and returns 7. */
async function run(argv: readonly string[], body: () => void = () => undefined) {
  const written = { out: "", err: "" };
  const given: unknown[] = [];
  const code = await runCommand(EXAMPLE, argv, async (parsed) => {
    given.push(parsed);
    body();
    return 7;
  }, { out: (text) => (written.out += text), err: (text) => (written.err += text) });
  return { code, ...written, given };
}

describe("parseCommandLine", () => {
  it("GIVEN nothing WHEN parsed THEN a boolean is false, a string undefined, a repeatable string empty, no positionals", () => {
    expect(parseCommandLine(EXAMPLE, [])).toEqual({ options: { out: undefined, check: false, removed: [] }, positionals: [] });
  });

  it("GIVEN every kind of option, a repeated one and positionals WHEN parsed THEN each has its value, the repeated ones in order", () => {
    const argv = ["--out", "/tmp/x", "--check", "--removed", "output:a", "staging", "--removed=config:b", "production"];
    expect(parseCommandLine(EXAMPLE, argv)).toEqual({ options: { out: "/tmp/x", check: true, removed: ["output:a", "config:b"] }, positionals: ["staging", "production"] });
  });

  it("GIVEN a value starting with a dash WHEN given inline THEN it is the value", () => {
    expect(parseCommandLine(EXAMPLE, ["--out=-dir"])).toEqual({ options: { out: "-dir", check: false, removed: [] }, positionals: [] });
  });

  it("GIVEN arguments after -- WHEN parsed THEN they are positionals even when they look like options", () => {
    expect(parseCommandLine(EXAMPLE, ["--", "--check"])).toEqual({ options: { out: undefined, check: false, removed: [] }, positionals: ["--check"] });
  });

  it.each([
    [["--help"]],
    [["-h"]],
    [["--check", "--help"]],
    [["--verbose", "--help"]],
    [["--out", "--help"]],
  ])("GIVEN %j WHEN parsed THEN it is help, before any mistake is looked at", (argv) => {
    expect(parseCommandLine(EXAMPLE, argv)).toBe("help");
  });

  it.each([
    [["--verbose"], "unknown option --verbose"],
    [["-v"], "unknown option -v"],
    [["--out"], "--out needs a value"],
    [["--out", "--check"], "--out needs a value"],
    [["--removed", "a", "--removed"], "--removed needs a value"],
    [["--check=yes"], "--check takes no value"],
  ])("GIVEN %j WHEN parsed THEN it is refused: %s", (argv, message) => {
    expect(refusal(argv)).toBe(message);
  });

  it("GIVEN a bare argument to a command that takes none WHEN parsed THEN it is refused by its text", () => {
    expect(refusal(["staging"], NO_POSITIONALS)).toBe("unexpected argument staging");
  });

  it("GIVEN an option named like an Object property WHEN parsed THEN it is unknown, not inherited", () => {
    expect(refusal(["--toString"])).toBe("unknown option --toString");
  });
});

describe("runCommand", () => {
  it("GIVEN --help WHEN run THEN the usage text is on stdout, nothing on stderr, exit 0, and the body does not run", async () => {
    expect(await run(["--help"])).toEqual({ code: 0, out: `${EXAMPLE.usage}\n`, err: "", given: [] });
  });

  it("GIVEN an unknown option WHEN run THEN its name and the pointer to --help are on stderr, exit 2", async () => {
    expect(await run(["--verbose"])).toEqual({ code: 2, out: "", err: "unknown option --verbose\nRun: npm run example -- --help\n", given: [] });
  });

  it("GIVEN a UsageError from the command's own checks WHEN run THEN it is reported as the parser's are, exit 2", async () => {
    const result = await run(["--check"], () => {
      throw new UsageError("--check needs --out");
    });
    expect({ code: result.code, err: result.err }).toEqual({ code: 2, err: "--check needs --out\nRun: npm run example -- --help\n" });
  });

  it("GIVEN a correct command line WHEN run THEN the body gets it and its exit code is returned", async () => {
    expect(await run(["--check"])).toEqual({ code: 7, out: "", err: "", given: [{ options: { out: undefined, check: true, removed: [] }, positionals: [] }] });
  });

  it("GIVEN any other error in the body WHEN run THEN it is not taken for a usage mistake", async () => {
    await expect(run([], () => {
      throw new Error("disk full");
    })).rejects.toThrow("disk full");
  });
});
