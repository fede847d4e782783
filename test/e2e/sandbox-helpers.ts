/** Conditions the e2e tests wait on, shared by every file that starts a sandbox. */
import { WATCHDOG } from "../../alerts/pipeline";
import { METRICS } from "../../promql/metrics";
import { rate, select, sumBy } from "../../promql/index";
import { Sandbox, type SandboxOptions, waitFor } from "../../tools/sandbox/sandbox";
import { sumSeries } from "../../tools/verify/exposition";

export const WAIT_MS = 120_000;

/** A sandbox of the file's own, started before its tests and stopped after them; call the getter inside a test. */
export function sandboxOfFile(options: SandboxOptions): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await Sandbox.start(options);
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });
  return () => {
    if (!sandbox) throw new Error("the sandbox did not start");
    return sandbox;
  };
}

/** Every environment scraped with payments flowing and its Watchdog firing (Prometheus scrapes a few seconds after it is ready). */
export async function waitForTraffic(sandbox: Sandbox, environments: readonly string[]): Promise<void> {
  const paymentRate = sumBy(["namespace"], rate(select(METRICS.paymentProcessed), sandbox.cfg.rateWindow.text));
  await waitFor("a non-zero payment rate in every environment", async () => (await sandbox.query(`${paymentRate} > 0`)).length === environments.length, WAIT_MS);
  await waitFor("the Watchdog firing in every environment", async () => {
    for (const environment of environments) await firingExactly(sandbox, environment, undefined);
    return true;
  }, WAIT_MS);
}

/**
 * True once exactly `expected` (sorted names) fire in an environment, or with `expected` undefined once the Watchdog
 * does; otherwise throws what fires, for the timeout message.
 */
export async function firingExactly(sandbox: Sandbox, environment: string, expected: readonly string[] | undefined): Promise<true> {
  const firing = await sandbox.firing(environment);
  const matches = expected === undefined ? firing.includes(WATCHDOG) : JSON.stringify(firing) === JSON.stringify(expected);
  if (!matches) throw new Error(`firing in ${environment}: ${firing.join(", ") || "nothing"}`);
  return true;
}

/** A counter of Alertmanager's own metrics, summed over the series whose labels include `labels`. */
export async function alertmanagerCounter(sandbox: Sandbox, name: string, labels: Readonly<Record<string, string>>): Promise<number> {
  return sumSeries(await (await fetch(`${sandbox.alertmanagerUrl}/metrics`)).text(), name, labels);
}
