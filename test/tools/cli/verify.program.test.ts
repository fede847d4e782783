/**
 * `npm run verify`'s command line: help, and every mistake refused with one message, the help pointer and exit 2,
 * before any server is asked. Runs tools/cli/verify.ts as a child process, as the npm script runs its build.
 */
import { spawnSync } from "node:child_process";

import { ROOT } from "../../../tools/engine/program";

const verify = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
  spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/verify.ts", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });

const HINT = "Run: npm run verify -- --help\n";
// Nothing listens on port 9 (discard) of loopback; a check that asked it would print "cannot reach".
const URL = "http://127.0.0.1:9";

test("--help prints the usage, the checks, the credentials and the exit codes; exit 0", () => {
  const run = verify(["--help"]);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^usage: npm run verify -- --stack <stack> --prometheus <url> --alertmanager <url> \[options\]/);
  for (const text of ["rules loaded", "metrics present", "--send-test-alert", "VERIFY_PROMETHEUS_TOKEN", "VERIFY_ALERTMANAGER_BASIC_AUTH", "Exit codes: 0 all passed, 1 a check failed, 2 bad command line, 3 a server unreachable"]) expect(run.stdout).toContain(text);
});

test.each([
  [[], "--stack (or --rendered) is required"],
  [["--stack", "qa", "--prometheus", URL], '--stack: unknown stack "qa"; the stacks are staging, production'],
  [["--stack", "staging"], "--prometheus or --alertmanager (or both) is required"],
  [["--stack", "staging", "--prometheus"], "--prometheus needs a value"],
  [["--stack", "staging", "--prometheus", "localhost:9090"], "--prometheus: must be an http:// or https:// URL"],
  [["--stack", "staging", "--prometheus", URL, "--send-test-alert"], "--send-test-alert needs --alertmanager"],
  [["--stack", "staging", "--alertmanager", URL, "--receiver", "billing-info"], "--receiver is for --send-test-alert"],
  [["--stack", "staging", "--prometheus", URL, "--timeout", "soon"], '--timeout: "soon" is not a duration such as 30s, 2m or 1h'],
  [["--stack", "staging", "--prometheus", URL, "--lookback", "0s"], '--lookback: "0s" is not a duration such as 30s, 2m or 1h'],
  [["--stack", "staging", "--prometheus", URL, "--verbose"], "unknown option --verbose"],
  [["--stack", "staging", "--prometheus", URL, "extra"], "unexpected argument extra"],
  [["--stack", "staging", "--prometheus", URL, "--setting", "smtpUsername"], "--setting: give key=value, e.g. smtpUsername=<the Postmark SMTP access key>"],
])("%j is refused: %s, exit 2", (args, message) => {
  const run = verify(args);
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 2, stdout: "", stderr: `${message}\n${HINT}` });
});

test("a directory with no rendered stack says how to make one, exit 2", () => {
  const run = verify(["--rendered", "/nonexistent/rendered/staging", "--prometheus", URL]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: "/nonexistent/rendered/staging holds no rendered stack (no outputs.yaml); run: npm run render\n" });
});

test("credentials given twice are refused without showing them, exit 2", () => {
  const run = verify(["--stack", "staging", "--prometheus", URL], { VERIFY_PROMETHEUS_TOKEN: "test-only-token-value", VERIFY_PROMETHEUS_BASIC_AUTH: "ops:test-only-password" });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 2, stderr: `set VERIFY_PROMETHEUS_TOKEN or VERIFY_PROMETHEUS_BASIC_AUTH, not both\n${HINT}` });
  const malformed = verify(["--stack", "staging", "--prometheus", URL], { VERIFY_PROMETHEUS_BASIC_AUTH: "test-only-password" });
  expect({ status: malformed.status, stderr: malformed.stderr }).toEqual({ status: 2, stderr: `VERIFY_PROMETHEUS_BASIC_AUTH must be user:password (its value is not shown)\n${HINT}` });
});
