/**
 * Jest global setup of the suites that run Prometheus or Alertmanager: prints the releases they run before any
 * test, and fails the run at once when one is missing or of another version (tools/servers.ts).
 */
import { describeReleases } from "../../tools/servers";

export default function printReleases(): void {
  process.stdout.write(`\nservers: ${describeReleases(["current", "oldest"])}\n`);
}
