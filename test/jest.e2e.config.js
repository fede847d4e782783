/**
 * End-to-end tests (`npm run test:e2e`, every test/…/x.e2e.test.ts): real Prometheus, Alertmanager and SMTP (see tools/sandbox/). Each file starts its own sandbox, so the
 * files run side by side; they wait on conditions, and the whole run stays under 5 minutes on 2 cores.
 */
module.exports = {
  ...require("./jest.base").suite("e2e"),
  rootDir: "..",
  roots: ["<rootDir>/test"],
  globalSetup: "<rootDir>/test/e2e/global-setup.ts",
  maxWorkers: 3,
  testTimeout: 240000,
};
