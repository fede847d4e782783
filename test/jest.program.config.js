/**
 * The program suite (`npm run test:program`, every test/…/x.program.test.ts): what index.ts declares when Pulumi's own cmd/run starts it, through
 * the local engine, and the real tools on what it declares (promtool check, amtool, secretlint, tsc, the
 * Kubernetes and Grafana schemas, the render script on a scratch copy of the project). Program runs are kept in
 * node_modules/.cache/billing-monitoring/runs, keyed by every source file, so a second run reuses them.
 */
module.exports = {
  ...require("./jest.base").suite("program"),
  rootDir: "..",
  roots: ["<rootDir>/test"],
  globalSetup: "<rootDir>/test/helpers/print-releases.ts",
  testTimeout: 60000,
  // Most tests wait on child processes (the program under cmd/run, promtool, amtool): two workers keep both cores busy.
  maxWorkers: 2,
};
