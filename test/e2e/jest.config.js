/**
 * End-to-end tests: real Prometheus, Alertmanager and SMTP (see sandbox/). Each file starts its own sandbox, so the
 * files run side by side; they wait on conditions, and the whole run stays under 5 minutes on 2 cores.
 */
module.exports = {
  ...require("../jest.base"),
  rootDir: "../..",
  roots: ["<rootDir>/test/e2e"],
  globalSetup: "<rootDir>/test/e2e/global-setup.ts",
  maxWorkers: 3,
  testTimeout: 240000,
};
