/**
 * Builds dist/ once before any e2e file runs, as `npm run sandbox` and `npm run verify` do before they start: the
 * files run side by side, and a build per file would delete dist/ under another file's running script. Then prints
 * the releases the suite runs.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

import printReleases from "../helpers/print-releases";

export default function globalSetup(): void {
  printReleases();
  const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
}
