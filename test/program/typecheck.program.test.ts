/** The one type-check of the project (everything else runs transpiled, without it). */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

it("the whole project type-checks with tsc", () => {
  const root = path.resolve(__dirname, "..", "..");
  const result = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", root], { encoding: "utf8" });
  expect(result.stdout + result.stderr).toBe("");
  expect(result.status).toBe(0);
}, 120000);
