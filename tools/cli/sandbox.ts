/**
 * The local alerting sandbox for people:
 *
 *   npm run sandbox -- --scenario payment-failures-critical [--environment production|staging] [--stack production]
 *
 * Starts two environments as the stacks deploy them, production and staging, on one Prometheus and one
 * Alertmanager (production's configuration routing both), each with its own simulator; the SMTP sink and the webhook
 * sinks on free loopback ports, and a page that shows it all (tools/sandbox/page.ts). Prints their URLs, then each alert as it fires, is inhibited or resolves, and each email as it
 * arrives. Switch a scenario while it runs with `curl -X PUT <simulator>/scenario/<name>`. Ctrl-C stops everything.
 */
import { INTEGRATIONS } from "../../alerts/integrations";
import { KNOWN_STACKS } from "../../config";
import { AlertLog, describeEvent } from "../sandbox/alert-log";
import { SandboxPage } from "../sandbox/page";
import { stackThresholds } from "../sandbox/profile";
import { profileConfig } from "../sandbox/profile";
import { scenarioNames } from "../sandbox/scenarios";

/** The scenarios a simulator plays: the named ones, and each alert's own. */
const SCENARIOS = scenarioNames(profileConfig());
import { Sandbox } from "../sandbox/sandbox";
import { HEARTBEAT_SINK } from "../sandbox/webhook-sink";
import { readStackFile } from "../engine/program";
import { type CommandSpec, type OptionSpec, type Parsed, runAsScript, runCommand, UsageError } from "./args";

/**
 * The two environments, by the name a person types and the environment label the sandbox gives them (not the bare
 * names: the environment `production` also requires the production stack's promotion gate and pinned image).
 */
const ENVIRONMENT_LABELS = { production: "sandbox-production", staging: "sandbox-staging" } as const;
const ENVIRONMENTS = Object.values(ENVIRONMENT_LABELS);
/** Staging does not page: the production-like environment's configuration sends its alerts to alerts@ only. */
const NON_PAGING = [ENVIRONMENT_LABELS.staging];

const SANDBOX = {
  name: "sandbox",
  usage: `usage: npm run sandbox [-- --scenario <scenario>] [--environment ${Object.keys(ENVIRONMENT_LABELS).join("|")}] [--stack <stack>]

Starts production and staging as the stacks deploy them on one local Prometheus and Alertmanager, with a simulator
each, an SMTP sink, webhook sinks and a page showing it all; prints their URLs, then each alert and email. Ctrl-C stops.

  --scenario <scenario>      what the environment's simulator plays (default healthy): ${SCENARIOS.join(", ")}
  --environment <name>       which environment plays it (default production)
  --stack <stack>            take the thresholds from Pulumi.<stack>.yaml (${KNOWN_STACKS.join(", ")}; default: the defaults)
  --help                     this text`,
  options: { scenario: { type: "string" }, environment: { type: "string" }, stack: { type: "string" } },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

function checkedOptions({ options }: Parsed<typeof SANDBOX.options>): { scenario: string; environment: string; stack?: string } {
  const scenario = options.scenario ?? "healthy";
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`--scenario must be one of: ${SCENARIOS.join(", ")}`);
  const environment = options.environment ?? "production";
  if (!(environment in ENVIRONMENT_LABELS)) throw new UsageError(`--environment must be one of: ${Object.keys(ENVIRONMENT_LABELS).join(", ")}`);
  const stack = options.stack;
  if (stack !== undefined && !(KNOWN_STACKS as readonly string[]).includes(stack)) throw new UsageError(`--stack must be one of: ${KNOWN_STACKS.join(", ")} (its Pulumi.<stack>.yaml gives the thresholds)`);
  return { scenario, environment: ENVIRONMENT_LABELS[environment as keyof typeof ENVIRONMENT_LABELS], stack };
}

const time = (): string => new Date().toISOString().slice(11, 19);
const say = (line: string): void => void process.stdout.write(`${time()} ${line}\n`);

/** Runs until stopped; then resolves with exit code 0. */
async function runSandbox(parsed: Parsed<typeof SANDBOX.options>): Promise<number> {
  const { scenario, environment, stack } = checkedOptions(parsed);
  const fromStack = stack ? stackThresholds(readStackFile(stack)) : { values: {}, scaled: [] };
  const sandbox = await Sandbox.start({ environments: ENVIRONMENTS, nonPaging: NON_PAGING, log: say, thresholds: fromStack.values });
  const log = new AlertLog(sandbox.prometheusUrl, sandbox.alertmanagerUrl);
  const thresholdSource = stack ? `Pulumi.${stack}.yaml` : "the defaults (--stack <name> takes them from Pulumi.<name>.yaml)";
  const page = new SandboxPage({ sandbox, log, environments: Object.entries(ENVIRONMENT_LABELS).map(([name, label]) => ({ name, label })), thresholds: { source: thresholdSource, values: fromStack.values } });
  let stopping = false;
  let stopped: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (stopped = resolve));
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say("stopping…");
    log.stop();
    await page.stop();
    await sandbox.stop();
    say("stopped");
    stopped(0);
  };
  // However it ends, nothing stays behind: Ctrl-C, a kill, the terminal closing (SIGHUP), or the parent dying, which
  // re-parents this process (the parent's id changes) without sending it anything.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop());
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid !== parent) void stop();
  }, 500);
  orphaned.unref();

  await page.start();
  say(`page: ${page.url}  (scenarios, alerts, emails as sent, the dashboard's queries)`);
  const thresholds = Object.entries(fromStack.values);
  say(`thresholds: ${thresholdSource}${thresholds.length ? `: ${thresholds.map(([key, value]) => `${key} ${value}`).join(", ")}` : ""}; durations are the test profile's, in seconds${fromStack.scaled.length ? ` (the stack's ${fromStack.scaled.join(", ")} are not used)` : ""}`);
  for (const name of ENVIRONMENTS) {
    const simulator = sandbox.simulator(name);
    say(`${name} simulator: ${simulator.url}/metrics  (switch: curl -X PUT ${simulator.url}/scenario/<${SCENARIOS.join("|")}>)`);
  }
  say(`smtp sink:    ${sandbox.smtp.smarthost} (STARTTLS + AUTH)`);
  for (const name of ENVIRONMENTS) {
    say(`check ${name} as after a deploy: npm run verify -- --rendered ${sandbox.renderedDir(name)} --prometheus ${sandbox.prometheusUrl} --alertmanager ${sandbox.alertmanagerUrl} [--send-test-alert]`);
  }
  say(`webhook sink: ${[...INTEGRATIONS.map((integration) => integration.sandbox.sink), HEARTBEAT_SINK].map((sink) => sandbox.webhooks.url(sink)).join(", ")}`);
  sandbox.smtp.onEmail((email) => say(`email: "${email.subject}" to ${email.recipients.join(", ")}`));
  // Firing, inhibited (and by what) and resolved-after-firing; pending and cleared-before-firing only on the page.
  log.onEvent((event) => {
    const line = describeEvent(event);
    if (line) say(line);
  });
  log.start();

  await sandbox.setScenario(environment, scenario);
  say(`scenario: ${scenario} in ${environment} (Ctrl-C to stop)`);
  return done;
}

runAsScript((argv) => runCommand(SANDBOX, argv, runSandbox));
