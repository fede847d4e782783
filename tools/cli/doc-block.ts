/**
 * The generated blocks of the docs: text between a start and an end marker in one file under docs/, owned by one
 * generator each (`npm run docs` rewrites them, a test keeps each in sync with the code).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../engine/program";

export interface GeneratedBlock {
  /** The Markdown file holding the block, relative to the repository root. */
  readonly file: string;
  readonly start: string;
  readonly end: string;
}

/** The block as it stands in its file, or undefined when its markers are missing. */
export function readBlock(block: GeneratedBlock): string | undefined {
  const text = fs.readFileSync(path.join(ROOT, block.file), "utf8");
  const start = text.indexOf(block.start);
  const end = text.indexOf(block.end);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + block.start.length, end).trim();
}

/** Replaces the block's content in its file. */
export function writeBlock(block: GeneratedBlock, content: string): void {
  const file = path.join(ROOT, block.file);
  const text = fs.readFileSync(file, "utf8");
  const start = text.indexOf(block.start);
  const end = text.indexOf(block.end);
  if (start < 0 || end < start) throw new Error(`${block.file} has no ${block.start} … ${block.end} block`);
  fs.writeFileSync(file, `${text.slice(0, start + block.start.length)}\n${content}\n${text.slice(end)}`);
}

/** A value for a Markdown table cell: one line, pipes escaped. */
export function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}
