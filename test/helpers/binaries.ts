/**
 * Finds the Prometheus and Alertmanager binaries the behaviour tests run. A missing binary is an error, never a
 * skip: a green run must mean the routing was checked by Alertmanager's own code.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The Debian package each binary comes from, for the error message. */
const PACKAGES: Readonly<Record<string, string>> = {
  amtool: "prometheus-alertmanager",
  "prometheus-alertmanager": "prometheus-alertmanager",
  promtool: "prometheus",
  prometheus: "prometheus",
};

/** Absolute path of `name` on `searchPath`; throws naming the package to install when it is not there. */
export function requireBinary(name: string, searchPath: string = process.env.PATH ?? ""): string {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH); the tests that run it fail until it is. Install the Debian package ${PACKAGES[name] ?? name} (./scripts/setup.sh does).`,
  );
}
