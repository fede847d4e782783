/**
 * Rule evaluation (`npm run test:rules`, every test/…/x.rules.test.ts): `promtool test rules` over simulated traffic, hours of it at the rules'
 * own evaluation interval, on the rule file production deploys (staging's is the same with its names:
 * stack-equivalence.rules.test.ts). CPU-bound in promtool; one file a core.
 */
module.exports = {
  ...require("./jest.base").suite("rules"),
  rootDir: "..",
  roots: ["<rootDir>/test"],
  globalSetup: "<rootDir>/test/helpers/print-releases.ts",
  testTimeout: 240000,
  maxWorkers: 2,
};
