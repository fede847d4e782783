/**
 * End-to-end tests: real Prometheus, Alertmanager and SMTP (see sandbox/). Each file starts its own sandbox, so the
 * files run side by side; they wait on conditions, and the whole run stays under 5 minutes on 2 cores.
 */
module.exports = {
  rootDir: "../..",
  testEnvironment: "node",
  roots: ["<rootDir>/test/e2e"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  maxWorkers: 3,
  testTimeout: 240000,
};
