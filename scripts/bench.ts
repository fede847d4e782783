/**
 * npm run bench: measures what the stack costs, side by side in one run, and writes BENCHMARKS.md.
 *   --rounds N   rounds of each timing (default 5)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ROOT } from "./stack-recorder";
import { programRunCommands, timeSideBySide, type Timing } from "./timing";

interface Row {
  readonly what: string;
  readonly figure: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly command: string;
}

const seconds = (t: Timing): string => `${t.median.toFixed(2)} s`;

function programRows(rounds: number): Row[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "billing-bench-"));
  try {
    const [floor, one, both, tsNode] = timeSideBySide(programRunCommands(out), rounds, ROOT);
    return [
      { what: "Render one stack (staging)", figure: seconds(one), baseline: `${seconds(floor)} (load the 3 Pulumi packages)`, ratio: `${(one.median / floor.median).toFixed(2)}×`, target: "", command: one.commandLine },
      { what: "Render both stacks", figure: seconds(both), baseline: `${seconds(floor)} (load the 3 Pulumi packages)`, ratio: `${(both.median / floor.median).toFixed(2)}×`, target: "≤ 1.3×", command: both.commandLine },
      { what: "Render both stacks vs ts-node with type-checking", figure: seconds(both), baseline: `${seconds(tsNode)} (ts-node, type-checked)`, ratio: `${(tsNode.median / both.median).toFixed(1)}× faster`, target: "≥ 4× faster", command: tsNode.commandLine },
    ];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

function table(rows: readonly Row[]): string {
  const lines = ["| What | Figure | Baseline | Ratio | Target | Command |", "|---|---|---|---|---|---|"];
  for (const row of rows) lines.push(`| ${row.what} | ${row.figure} | ${row.baseline} | ${row.ratio} | ${row.target} | \`${row.command.replace(process.execPath, "node")}\` |`);
  return lines.join("\n");
}

function main(argv: string[]): void {
  const roundsAt = argv.indexOf("--rounds");
  const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 5;
  const rows = programRows(rounds);
  const text = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} cores, Node ${process.version}); medians of ${rounds} side-by-side rounds. Machines are noisy: read the ratios.`,
    "",
    "## Program run time",
    "",
    table(rows),
    "",
  ].join("\n");
  fs.writeFileSync(path.join(ROOT, "BENCHMARKS.md"), text);
  process.stdout.write(text);
}

main(process.argv.slice(2));
