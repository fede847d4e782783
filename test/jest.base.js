/**
 * What every suite's jest config shares: Node, and TypeScript transpiled by swc (tsc type-checks once, in
 * typecheck.program.test.ts). Tests sit beside what they test (test/<room>/…, the rooms of the source tree); the
 * suite a file belongs to is in its name:
 *   x.test.ts          unit      in-process, no child process (npm run test:unit, `npx jest`)
 *   x.program.test.ts  program   the program under Pulumi's cmd/run, and the real tools on what it declares
 *   x.rules.test.ts    rules     promtool evaluating the rules over simulated time
 *   x.e2e.test.ts      e2e       real Prometheus, Alertmanager and SMTP (the sandbox)
 */
const SUITES = ["program", "rules", "e2e"];

/** The shared config for one suite: its files by their name's suffix. */
function suite(name) {
  const others = SUITES.filter((other) => other !== name).map((other) => `\\.${other}\\.test\\.ts$`);
  return {
    testEnvironment: "node",
    testMatch: name === "unit" ? ["**/*.test.ts"] : [`**/*.${name}.test.ts`],
    testPathIgnorePatterns: ["/node_modules/", ...(name === "unit" ? SUITES.map((other) => `\\.${other}\\.test\\.ts$`) : others)],
    transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  };
}

module.exports = { suite };
