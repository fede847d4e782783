/**
 * The generated blocks of README.md: text between a start and an end marker, owned by one generator each
 * (`npm run docs` rewrites them, a test keeps each in sync with the code).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { ROOT } from "../engine/program";

export const README = path.join(ROOT, "README.md");

export interface BlockMarkers {
  readonly start: string;
  readonly end: string;
}

/** The block as it stands in README.md, or undefined when its markers are missing. */
export function readBlock(markers: BlockMarkers): string | undefined {
  const text = fs.readFileSync(README, "utf8");
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) return undefined;
  return text.slice(start + markers.start.length, end).trim();
}

/** Replaces the block's content in README.md. */
export function writeBlock(markers: BlockMarkers, content: string): void {
  const text = fs.readFileSync(README, "utf8");
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`README.md has no ${markers.start} … ${markers.end} block`);
  fs.writeFileSync(README, `${text.slice(0, start + markers.start.length)}\n${content}\n${text.slice(end)}`);
}

/** A value for a Markdown table cell: one line, pipes escaped. */
export function tableCell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}
