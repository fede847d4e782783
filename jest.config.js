/**
 * The unit suite (`npm run test:unit`, `npx jest`): every test/…/x.test.ts, in-process tests of the pure parts (the
 * config parser, the rule builders on made-up config, the engine's readers). No child process: nothing here runs the
 * program, promtool, amtool or a server, so it stays fast on a clean clone. The other suites are named by their
 * files' suffix (test/jest.base.js).
 */
module.exports = {
  ...require("./test/jest.base").suite("unit"),
  roots: ["<rootDir>/test"],
  testTimeout: 30000,
};
