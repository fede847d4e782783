/**
 * Builds dist/ once before any e2e file runs, as `npm run sandbox` and `npm run verify` do before they start: the
 * files run side by side, and a build per file would delete dist/ under another file's running script.
 */
const { spawnSync } = require("node:child_process");
const path = require("node:path");

module.exports = () => {
  const built = spawnSync("npm", ["run", "build", "--silent"], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
};
