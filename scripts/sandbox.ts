/**
 * The local alerting sandbox for people:
 *
 *   npm run sandbox -- --scenario payment-failures-critical
 *
 * Starts the simulator, Prometheus, Alertmanager, the SMTP sink and the webhook sinks on free loopback ports, prints
 * their URLs, then each alert as it fires or resolves and each email as it arrives. Switch the scenario while it runs
 * with `curl -X PUT <simulator>/scenario/<name>`. Ctrl-C stops everything.
 */
import { isScenario, SCENARIOS, type ScenarioName } from "../sandbox/scenarios";
import { Sandbox } from "../sandbox/sandbox";

const ENVIRONMENT = "sandbox";

function parseArgs(argv: string[]): ScenarioName {
  const at = argv.indexOf("--scenario");
  const scenario = at >= 0 ? argv[at + 1] : "healthy";
  if (!scenario || !isScenario(scenario)) throw new Error(`--scenario must be one of: ${SCENARIOS.join(", ")}`);
  return scenario;
}

const time = (): string => new Date().toISOString().slice(11, 19);
const say = (line: string): void => void process.stdout.write(`${time()} ${line}\n`);

async function main(): Promise<void> {
  const scenario = parseArgs(process.argv.slice(2));
  const sandbox = await Sandbox.start({ environments: [ENVIRONMENT], log: say });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    clearInterval(watcher);
    await sandbox.stop();
    say("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  const simulator = sandbox.simulator(ENVIRONMENT);
  say(`simulator:    ${simulator.url}/metrics  (switch: curl -X PUT ${simulator.url}/scenario/<${SCENARIOS.join("|")}>)`);
  say(`smtp sink:    ${sandbox.smtp.smarthost} (STARTTLS + AUTH)`);
  say(`webhook sink: ${sandbox.webhooks.url("slack")}, ${sandbox.webhooks.url("pagerduty")}, ${sandbox.webhooks.url("heartbeat")}`);
  sandbox.smtp.onEmail((email) => say(`email: "${email.subject}" to ${email.recipients.join(", ")}`));

  // Print each transition of an alert's state, as Prometheus reports it.
  const known = new Map<string, string>();
  const watcher = setInterval(() => {
    sandbox.alerts().then(
      (alerts) => {
        const seen = new Set<string>();
        for (const alert of alerts) {
          const name = alert.labels.alertname;
          seen.add(name);
          if (known.get(name) !== alert.state) say(`alert ${alert.state}: ${name} (severity ${alert.labels.severity})`);
          known.set(name, alert.state);
        }
        for (const name of [...known.keys()].filter((n) => !seen.has(n))) {
          say(`alert resolved: ${name}`);
          known.delete(name);
        }
      },
      () => undefined, // Prometheus restarting: try again next tick.
    );
  }, 1000);

  await sandbox.setScenario(ENVIRONMENT, scenario);
  say(`scenario: ${scenario} (Ctrl-C to stop)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
