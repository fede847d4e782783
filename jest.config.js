/**
 * The unit suite (`npm run test:unit`, `npx jest`): in-process tests of the pure parts (the config parser, the rule
 * builders on made-up config, the engine's readers). No child process: nothing here runs the program,
 * promtool, amtool or a server, so it stays fast on a clean clone. What the program declares as the language host
 * runs it is test/jest.program.config.js; rule evaluation over simulated time test/rules/; servers test/e2e/.
 */
module.exports = {
  ...require("./test/jest.base"),
  roots: ["<rootDir>/test/unit"],
  testTimeout: 30000,
};
