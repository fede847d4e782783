/**
 * The program suite (`npm run test:program`): what index.ts declares when Pulumi's own cmd/run starts it, through
 * the local engine, and the real tools on what it declares (promtool check, amtool, secretlint, tsc, the
 * Kubernetes and Grafana schemas, the render script on a scratch copy of the project). Program runs are kept in
 * node_modules/.cache/billing-monitoring/runs, keyed by every source file, so a second run reuses them.
 */
module.exports = {
  ...require("./jest.base"),
  rootDir: "..",
  roots: ["<rootDir>/test"],
  testPathIgnorePatterns: ["/node_modules/", "/test/unit/", "/test/rules/", "/test/e2e/"],
  globalSetup: "<rootDir>/test/helpers/print-releases.ts",
  testTimeout: 60000,
  // Most tests wait on child processes (the program under cmd/run, promtool, amtool): two workers keep both cores busy.
  maxWorkers: 2,
};
