/**
 * The post-deployment checklist as one command: compares what a stack deploys (its rendered files) with what a live
 * Prometheus and Alertmanager run, one line per check, and exits non-zero when any fails.
 *
 *   npm run verify -- --stack production --prometheus http://localhost:9090 --alertmanager http://localhost:9093
 *   npm run verify -- --stack production … --send-test-alert [--receiver billing-info]
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 the command line is wrong; 3 a server could not be reached
 * or refused the credentials (the checks that could run are still reported).
 */
import * as path from "node:path";

import { KNOWN_STACKS } from "../../config";
import { parseDuration } from "../../common/duration";
import { alertmanagerChecks, alertmanagerLoadedFile, type CheckResult, defaultTestReceiver, liveRulesHash, metricsPresent, planTestAlert, noDuplicateDashboards, noLeftoverAlerts, prometheusReachable, prometheusRelease, prometheusSendsAlerts, rulesLoaded, sendTestAlert } from "../verify/checks";
import { type Expected, ExpectedError, readExpected } from "../verify/expected";
import { type Credentials, Server } from "../verify/http";
import { type CommandSpec, EXIT_USAGE, type OptionSpec, type Parsed, runAsScript, runCommand, UsageError } from "./args";
import { ROOT } from "../engine/program";

export const EXIT = { ok: 0, failed: 1, usage: EXIT_USAGE, unreachable: 3 } as const;

/** Environment variables that carry credentials; their values are never printed. */
export const CREDENTIAL_VARIABLES = {
  Prometheus: { bearer: "VERIFY_PROMETHEUS_TOKEN", basic: "VERIFY_PROMETHEUS_BASIC_AUTH" },
  Alertmanager: { bearer: "VERIFY_ALERTMANAGER_TOKEN", basic: "VERIFY_ALERTMANAGER_BASIC_AUTH" },
  Grafana: { bearer: "VERIFY_GRAFANA_TOKEN", basic: "VERIFY_GRAFANA_BASIC_AUTH" },
} as const;

const HELP = `usage: npm run verify -- --stack <stack> --prometheus <url> --alertmanager <url> [options]

Checks a deployed stack against the live Prometheus and Alertmanager it deploys to:
  releases            each server is at least the stack's prometheusVersion / alertmanagerVersion
  rules loaded        every group and rule of the stack's rule file, same expression, healthy, evaluated recently
  live rules          one hash over the rules Prometheus evaluates equals the rule file's (the last pulumi up is live)
  no leftovers        no rule outside the stack's groups (a hand-run rule file) fires one of its alerts
  metrics present     every metric and label the rules and panels read has series in the app's namespace
  Alertmanager        runs the stack's configuration (secrets masked), loaded its file (alertmanager_config_hash, and
                      the last reload succeeded), its cluster is ready, every alert routes as intended
  Prometheus → Alertmanager   Prometheus lists at least one active Alertmanager
  test alert          (with --send-test-alert) a test alert is sent to a receiver, then resolved

Options:
  --stack <stack>          ${KNOWN_STACKS.join(" or ")}: compares with rendered/<stack>/
  --rendered <dir>         compare with another rendered stack directory (npm run render -- --out <dir>)
  --prometheus <url>       Prometheus base URL (e.g. after: kubectl port-forward svc/prometheus 9090)
  --alertmanager <url>     Alertmanager base URL
  --grafana <url>          Grafana base URL: checks that no other dashboard has the stack's dashboard titles (a copy
                           left from a hand import); a read-only token in VERIFY_GRAFANA_TOKEN
  --send-test-alert        post a test alert and wait until it is sent, then resolve it
  --receiver <name>        the test alert's receiver (default: the stack's info receiver)
  --timeout <duration>     how long to wait for a server or a notification (default 2m)
  --wait <duration>        after a pulumi up: wait this long for the new rules and configuration to go live (the
                           kubelet swaps a ConfigMap up to a minute or more later, then the reloader reloads)
  --setting <key>=<value>  a hand-set setting's value (smtpUsername), to compare Alertmanager's file byte for byte
  --lookback <duration>    how far back a metric's series count as present (default 1h)
  --help                   this text

Credentials (never printed): user:password in the URL, or the environment variables
  ${CREDENTIAL_VARIABLES.Prometheus.bearer} / ${CREDENTIAL_VARIABLES.Alertmanager.bearer}            a bearer token
  ${CREDENTIAL_VARIABLES.Prometheus.basic} / ${CREDENTIAL_VARIABLES.Alertmanager.basic}  user:password for basic auth

Exit codes: 0 all passed, 1 a check failed, 2 bad command line, 3 a server unreachable or refusing the credentials.`;

interface Options {
  readonly dir: string;
  readonly prometheus?: string;
  readonly alertmanager?: string;
  readonly grafana?: string;
  readonly sendTestAlert: boolean;
  readonly receiver?: string;
  readonly timeoutMs: number;
  readonly waitMs: number;
  readonly lookback: string;
  readonly settings: Readonly<Record<string, string>>;
}

const VERIFY = {
  name: "verify",
  usage: HELP,
  options: {
    stack: { type: "string" },
    rendered: { type: "string" },
    prometheus: { type: "string" },
    alertmanager: { type: "string" },
    grafana: { type: "string" },
    receiver: { type: "string" },
    timeout: { type: "string" },
    wait: { type: "string" },
    lookback: { type: "string" },
    setting: { type: "string", multiple: true },
    "send-test-alert": { type: "boolean" },
  },
} as const satisfies CommandSpec<Record<string, OptionSpec>>;

/** The checks across options the parser cannot make, each refused as a UsageError. */
function checkedOptions({ options }: Parsed<typeof VERIFY.options>): Options {
  const settings: Record<string, string> = {};
  for (const value of options.setting) {
    const setting = /^(\w+)=(.*)$/s.exec(value);
    if (!setting) throw new UsageError(`--setting: give key=value, e.g. smtpUsername=<the Postmark SMTP access key>`);
    settings[setting[1]] = setting[2];
  }
  const { stack, rendered, receiver } = options;
  const sendTestAlert = options["send-test-alert"];
  if (stack !== undefined && !(KNOWN_STACKS as readonly string[]).includes(stack)) throw new UsageError(`--stack: unknown stack ${JSON.stringify(stack)}; the stacks are ${KNOWN_STACKS.join(", ")}`);
  if (!stack && !rendered) throw new UsageError("--stack (or --rendered) is required");
  if (!options.prometheus && !options.alertmanager && !options.grafana) throw new UsageError("--prometheus or --alertmanager (or both) is required");
  if (sendTestAlert && !options.alertmanager) throw new UsageError("--send-test-alert needs --alertmanager");
  if (receiver && !sendTestAlert) throw new UsageError("--receiver is for --send-test-alert");
  for (const server of ["prometheus", "alertmanager", "grafana"] as const) {
    const url = options[server];
    if (url === undefined) continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol)) throw new UsageError(`--${server}: must be an http:// or https:// URL`);
  }
  const seconds = (option: "timeout" | "wait" | "lookback", fallback: string): number => {
    const parsed = parseDuration(options[option] ?? fallback);
    if (!parsed || parsed.seconds <= 0) throw new UsageError(`--${option}: ${JSON.stringify(options[option])} is not a duration such as 30s, 2m or 1h`);
    return parsed.seconds;
  };
  const timeoutSeconds = seconds("timeout", "2m");
  const waitSeconds = options.wait === undefined ? 0 : seconds("wait", "0s");
  seconds("lookback", "1h");
  return {
    dir: path.resolve(rendered ?? path.join(ROOT, "rendered", stack!)),
    prometheus: options.prometheus,
    alertmanager: options.alertmanager,
    grafana: options.grafana,
    sendTestAlert,
    receiver,
    timeoutMs: timeoutSeconds * 1000,
    waitMs: waitSeconds * 1000,
    lookback: options.lookback ?? "1h",
    settings,
  };
}

function credentials(server: keyof typeof CREDENTIAL_VARIABLES, env: NodeJS.ProcessEnv): Credentials {
  const names = CREDENTIAL_VARIABLES[server];
  const bearer = env[names.bearer];
  const basic = env[names.basic];
  if (bearer && basic) throw new UsageError(`set ${names.bearer} or ${names.basic}, not both`);
  if (bearer) return { bearer };
  if (basic) {
    const colon = basic.indexOf(":");
    if (colon < 0) throw new UsageError(`${names.basic} must be user:password (its value is not shown)`);
    return { basic: { username: basic.slice(0, colon), password: basic.slice(colon + 1) } };
  }
  return undefined;
}

/**
 * With --wait: after a `pulumi up` the new files reach the pods when the kubelet next syncs them, and the reloader
 * reloads them. Waits until the live rules' hash is the stack's and Alertmanager loaded the stack's file (where its
 * bytes cannot be compared: until it runs the stack's configuration), or the wait is over, saying every 10 s what it
 * waits for; the checks then report what they find.
 */
async function waitUntilLive(prometheus: Server | undefined, alertmanager: Server | undefined, expected: Expected, options: Options, out: (text: string) => void): Promise<void> {
  const pending = async (): Promise<string[]> => {
    const waiting: string[] = [];
    if (prometheus && (await liveRulesHash(prometheus, expected)).status === "fail") waiting.push("Prometheus' rules");
    if (alertmanager) {
      const loaded = await alertmanagerLoadedFile(alertmanager, expected, options.settings);
      const same = loaded.status === "skip" ? (await alertmanagerChecks(alertmanager, expected)).results.find((result) => result.name === "Alertmanager runs the stack's configuration") : loaded;
      if (same?.status === "fail" && !same.unreachable) waiting.push("Alertmanager's configuration");
    }
    return waiting;
  };
  const deadline = Date.now() + options.waitMs;
  let said = Date.now();
  for (let waiting = await pending(); waiting.length > 0 && Date.now() < deadline; waiting = await pending()) {
    if (Date.now() - said >= 10_000) {
      out(`  waiting for ${waiting.join(" and ")} to go live (${Math.round((deadline - Date.now()) / 1000)} s left)…\n`);
      said = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

const MARK = { pass: "PASS", fail: "FAIL", skip: "SKIP" } as const;

function line(result: CheckResult): string {
  const details = (result.details ?? []).slice(0, 20).map((detail) => `\n      - ${detail}`);
  const more = (result.details?.length ?? 0) > 20 ? `\n      … and ${result.details!.length - 20} more` : "";
  return `${MARK[result.status]}  ${result.name.padEnd(44)} ${result.summary}${details.join("")}${more}\n`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  return runCommand(VERIFY, argv, (parsed) => verify(checkedOptions(parsed), env, out), { out });
}

async function verify(options: Options, env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  let expected;
  let prometheus: Server | undefined;
  let alertmanager: Server | undefined;
  let grafana: Server | undefined;
  try {
    expected = readExpected(options.dir);
    const requestTimeout = Math.min(options.timeoutMs, 30_000);
    prometheus = options.prometheus ? new Server("Prometheus", options.prometheus, credentials("Prometheus", env), requestTimeout) : undefined;
    alertmanager = options.alertmanager ? new Server("Alertmanager", options.alertmanager, credentials("Alertmanager", env), requestTimeout) : undefined;
    grafana = options.grafana ? new Server("Grafana", options.grafana, credentials("Grafana", env), requestTimeout) : undefined;
  } catch (error) {
    if (error instanceof ExpectedError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }

  const shownDir = path.relative(process.cwd(), expected.dir).startsWith("..") ? expected.dir : path.relative(process.cwd(), expected.dir) || ".";
  out(`Verifying ${expected.environment} (${shownDir}) against ${[prometheus?.shown, alertmanager?.shown, grafana?.shown].filter(Boolean).join(" and ")}\n`);
  const results: CheckResult[] = [];
  const report = (result: CheckResult): void => {
    results.push(result);
    out(line(result));
  };
  if (prometheus) {
    const reachable = await prometheusReachable(prometheus);
    report(reachable);
    if (reachable.status === "pass") {
      report(await prometheusRelease(prometheus, expected));
      if (options.waitMs > 0) await waitUntilLive(prometheus, alertmanager, expected, options, out);
      report(await liveRulesHash(prometheus, expected));
      report(await rulesLoaded(prometheus, expected));
      report(await noLeftoverAlerts(prometheus, expected));
      out(`  querying series of the metrics the rules and panels read (last ${options.lookback})…\n`);
      report(await metricsPresent(prometheus, expected, options.lookback));
      report(await prometheusSendsAlerts(prometheus, alertmanager));
    }
  }
  if (alertmanager) {
    if (options.waitMs > 0 && !prometheus) await waitUntilLive(undefined, alertmanager, expected, options, out);
    const loaded = await alertmanagerLoadedFile(alertmanager, expected, options.settings);
    const { results: checks, running } = await alertmanagerChecks(alertmanager, expected);
    for (const check of checks) {
      report(check);
      if (check.name === "Alertmanager runs the stack's configuration") report(loaded);
    }
    if (options.sendTestAlert) {
      if (!running) {
        report({ name: "Test alert delivered", status: "fail", summary: "not sent: Alertmanager is unreachable", unreachable: true });
      } else {
        const ours = "config" in expected.alertmanager ? expected.alertmanager.config : running;
        try {
          const plan = planTestAlert(running, expected, options.receiver ?? defaultTestReceiver(ours, expected));
          report(await sendTestAlert(alertmanager, plan, options.timeoutMs, (text) => out(`${text}\n`)));
        } catch (error) {
          report({ name: "Test alert delivered", status: "fail", summary: (error as Error).message });
        }
      }
    }
  }
  if (grafana) report(await noDuplicateDashboards(grafana, expected));
  const failed = results.filter((result) => result.status === "fail");
  out(failed.length === 0 ? `All ${results.length} checks passed.\n` : `${failed.length} of ${results.length} checks failed.\n`);
  if (failed.some((result) => result.unreachable)) return EXIT.unreachable;
  return failed.length === 0 ? EXIT.ok : EXIT.failed;
}

if (require.main === module) runAsScript(main);
