/** What every suite's jest config shares: Node, and TypeScript transpiled by swc (tsc type-checks once, in typecheck.test.ts). */
module.exports = {
  testEnvironment: "node",
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
};
