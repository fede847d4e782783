/** Unit tests: TypeScript transpiled by swc (no type-checking here; test/typecheck.test.ts runs tsc once). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/test/e2e/"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  testTimeout: 60000,
  // Most tests wait on child processes (the program under cmd/run, promtool, amtool): two workers keep both cores busy.
  maxWorkers: 2,
};
