/**
 * The local alerting sandbox: one Prometheus and one Alertmanager (tools/servers.ts: the current releases by default) on the rules and
 * configuration the stack deploys under the test profile, a simulator per environment, the SMTP sink and the webhook
 * sinks. Everything binds 127.0.0.1 on free ports and lives in one temporary directory; {@link Sandbox.stop} stops
 * what {@link Sandbox.start} started, also after a partial start.
 *
 * Several environments can share the one Prometheus and Alertmanager: each gets its own rule file (rendered with its
 * own `environment` and `appNamespace`) and its own simulator, whose series Prometheus labels with that namespace.
 * Every alert, group and email then carries its environment, so what each scenario caused stays separable.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as selfsigned from "selfsigned";

import type { BillingConfig } from "../../config";
import { toYaml } from "../../common/serialize";
import { sumSeries } from "../verify/exposition";
import { binaryPath, type Release, serverVersion, versionVariable } from "../servers";
import { freePort, ManagedProcess } from "./process";
import { profileConfig } from "./profile";
import { RULE_FILE } from "../../alerts";
import { INTEGRATIONS } from "../../alerts/integrations";
import { CONFIG_FILE } from "../../alerts/routing";
import { atLeast } from "../../config/releases";
import { type LocalOverrides, type RenderedAlertmanager, renderEnvironment, type RenderedEnvironment, withLocalOverrides, writeMounts } from "./render";
import { sandboxArgs } from "./reloader";
import { KubeletVolume } from "./volume";
import { BillingSimulator } from "./simulator";
import { SmtpSink } from "./smtp-sink";
import { HEARTBEAT_SINK, WebhookSink } from "./webhook-sink";

const PROMETHEUS_RESEND_DELAY = "5s";

export interface SandboxOptions {
  /** Environment names (DNS labels), each with its own simulator, all starting healthy. */
  readonly environments: readonly string[];
  /**
   * Those of them that do not page, as staging: their alerts go to the non-paging receiver. The first other
   * environment owns the Alertmanager configuration, as production does. @default none
   */
  readonly nonPaging?: readonly string[];
  /** Progress lines; silent by default. */
  readonly log?: (line: string) => void;
  /** Keep the temporary directory after stop (for debugging). */
  readonly keepDir?: boolean;
  /**
   * Alertmanager replicas, clustered on loopback (each gossips with the others; the first notifies, the others wait
   * their position × the peer timeout and skip what it sent). @default 1: no cluster
   */
  readonly alertmanagerReplicas?: number;
  /** Prometheus replicas with the same rules, each sending to every Alertmanager (never through one address). @default 1 */
  readonly prometheusReplicas?: number;
  /**
   * Thresholds over the defaults in every environment's rules (a stack file's: {@link stackThresholds}). The
   * simulators keep the default-threshold traffic, so a changed threshold shows whether a scenario still fires.
   */
  readonly thresholds?: Readonly<Record<string, string>>;
  /**
   * Another team's base configuration (`alertmanagerBase`) for the owner, as YAML text: the sandbox writes it to its
   * directory, with `<sandbox-smtp-smarthost>`, `<sandbox-smtp-username>` and `<sandbox-smtp-password-file>` replaced
   * by its SMTP server's, so the base's own emails reach the sink too.
   */
  readonly alertmanagerBase?: string;
  /** Which end of the supported range of Prometheus and Alertmanager runs (tools/servers.ts). @default "current" */
  readonly release?: Release;
}

/** How long a clustered Alertmanager waits per position before it notifies what a replica ahead did not (default 15s). */
export const CLUSTER_PEER_TIMEOUT = "2s";

/** An alert as Prometheus' /api/v1/alerts returns it. */
export interface PrometheusAlert {
  readonly labels: Record<string, string>;
  readonly state: "pending" | "firing";
  readonly activeAt: string;
}

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** Polls `check` until it returns something other than undefined/false; throws with `what` on timeout. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export class Sandbox {
  readonly cfg: BillingConfig = profileConfig();
  readonly simulators = new Map<string, BillingSimulator>();
  readonly webhooks = new WebhookSink();
  readonly rendered = new Map<string, RenderedEnvironment>();
  smtp!: SmtpSink;
  /** The replicas; `prometheus` and `alertmanager` are the first of each. */
  readonly prometheuses: ManagedProcess[] = [];
  readonly alertmanagers: ManagedProcess[] = [];
  readonly prometheusUrls: string[] = [];
  readonly alertmanagerUrls: string[] = [];
  prometheus!: ManagedProcess;
  alertmanager!: ManagedProcess;
  prometheusUrl = "";
  alertmanagerUrl = "";
  /** The config reloader sidecars (see {@link startReloaders}). */
  readonly reloaders: ManagedProcess[] = [];
  /** The reloaders by what they watch: `rules of <environment>` (one per Prometheus) or `alertmanager` (one per replica). */
  private readonly reloadersOf = new Map<string, ManagedProcess[]>();
  private readonly prometheusProcessNames: string[] = [];
  private localOverrides?: LocalOverrides;
  private owner = "";
  private renderOf: (environment: string, config: Readonly<Record<string, string>>) => Promise<RenderedEnvironment> = () => Promise.reject(new Error("the sandbox has not started"));
  private dir = "";
  private alertmanagerConfig = "";
  private prometheusBinary = "";
  private alertmanagerBinary = "";

  private constructor(private readonly options: SandboxOptions) {}

  /** Starts everything; on any failure stops what was started and rethrows. */
  static async start(options: SandboxOptions): Promise<Sandbox> {
    const sandbox = new Sandbox(options);
    try {
      await sandbox.startAll();
    } catch (error) {
      const diagnosis = [...sandbox.prometheuses, ...sandbox.alertmanagers].filter((p) => !p.running && p.tail().trim()).map((p) => `\n--- ${p.name} ---\n${p.tail()}`);
      await sandbox.stop();
      if (error instanceof Error) error.message += diagnosis.join("");
      throw error;
    }
    return sandbox;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async startAll(): Promise<void> {
    const release = this.options.release ?? "current";
    [this.prometheusBinary, this.alertmanagerBinary] = [binaryPath("prometheus", release), binaryPath("alertmanager", release)];
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "billing-sandbox-"));

    // Throwaway credentials and certificate, made for this run only.
    const smtpUsername = `sandbox-${randomBytes(4).toString("hex")}`;
    const smtpPassword = randomBytes(18).toString("base64url");
    const certificate = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      curve: "P-256",
      notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
      ],
    });
    const caFile = path.join(this.dir, "smtp-ca.pem");
    fs.writeFileSync(caFile, certificate.cert);

    this.smtp = new SmtpSink({ cert: certificate.cert, key: certificate.private, username: smtpUsername, password: smtpPassword });
    await this.smtp.start();
    await this.webhooks.start();
    for (const environment of this.options.environments) {
      const simulator = new BillingSimulator(profileConfig(environment));
      await simulator.start();
      this.simulators.set(environment, simulator);
    }

    // Every integration the release runs, each posting to its sink; one it lacks would be refused by the stack.
    const integrations = INTEGRATIONS.filter((integration) => integration.alertmanagerRelease === undefined || atLeast(serverVersion("alertmanager", release), integration.alertmanagerRelease));
    const secrets = {
      smtpPassword,
      heartbeatUrl: this.webhooks.url(HEARTBEAT_SINK),
      ...Object.fromEntries(integrations.map((integration) => [integration.secret, integration.sandbox.secret(this.webhooks.url(integration.sandbox.sink))])),
    };
    const placement = {
      alertmanagerConfigPath: path.join(this.dir, "alertmanager", "config"),
      alertmanagerSecretPath: path.join(this.dir, "alertmanager", "secrets"),
      smtpSmarthost: this.smtp.smarthost,
      smtpUsername,
    };
    let basePath: string | undefined;
    if (this.options.alertmanagerBase !== undefined) {
      const passwordFile = path.join(this.dir, "base-smtp-password");
      fs.writeFileSync(passwordFile, smtpPassword, { mode: 0o600 });
      basePath = path.join(this.dir, "alertmanager-base.yml");
      fs.writeFileSync(
        basePath,
        this.options.alertmanagerBase.replaceAll("<sandbox-smtp-smarthost>", this.smtp.smarthost).replaceAll("<sandbox-smtp-username>", smtpUsername).replaceAll("<sandbox-smtp-password-file>", passwordFile),
      );
    }
    const rulesDir = path.join(this.dir, "prometheus", "rules");
    // As the stacks deploy: one environment's stack owns the one Alertmanager's configuration and routes them all.
    const nonPaging = new Set(this.options.nonPaging ?? []);
    const pagingEnvironments = this.options.environments.filter((environment) => !nonPaging.has(environment));
    const owner = pagingEnvironments[0];
    if (!owner) throw new Error("the sandbox needs at least one environment that pages");
    this.renderOf = (environment, config) => {
      const routedEnvironments = this.options.environments.filter((other) => other !== owner);
      return renderEnvironment({ ...placement, environment, alertmanagerOwner: environment === owner, pagingEnvironments, routedEnvironments }, secrets, {
        ...this.options.thresholds,
        // The releases the sandbox runs, as a stack that runs them declares them (a heartbeat URL read from a file on 0.26+).
        prometheusVersion: serverVersion("prometheus", release),
        alertmanagerVersion: serverVersion("alertmanager", release),
        ...(basePath && environment === owner ? { alertmanagerBase: basePath } : {}),
        ...config,
      });
    };
    for (const environment of this.options.environments) {
      const rendered = await this.renderOf(environment, {});
      this.rendered.set(environment, rendered);
      // Each environment's rules ConfigMap is a volume of its own, as mounted in the pod.
      new KubeletVolume(path.dirname(this.ruleFile(environment))).write({ [RULE_FILE]: rendered.ruleFile });
      for (const [file, content] of rendered.files) {
        fs.mkdirSync(path.dirname(path.join(this.renderedDir(environment), file)), { recursive: true });
        fs.writeFileSync(path.join(this.renderedDir(environment), file), content);
      }
    }
    const alertmanager = this.rendered.get(owner)!.alertmanager!;
    this.localOverrides = { smtpCaFile: caFile, global: Object.assign({}, ...integrations.map((integration) => integration.sandbox.global?.(this.webhooks.url(integration.sandbox.sink)) ?? {})) };
    this.owner = owner;
    this.deployAlertmanager(alertmanager);
    await this.startAlertmanager(alertmanager.configFile);
    await this.startPrometheus(rulesDir);
    await this.startReloaders(owner);
    this.log(`sandbox directory: ${this.dir}`);
    this.log(`releases: Prometheus ${serverVersion("prometheus", release)}, Alertmanager ${serverVersion("alertmanager", release)} (${versionVariable("prometheus")} / ${versionVariable("alertmanager")} select others)`);
  }

  private async startAlertmanager(configFile: string): Promise<void> {
    this.alertmanagerConfig = configFile;
    const replicas = this.options.alertmanagerReplicas ?? 1;
    const webPorts = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    const clusterPorts = replicas > 1 ? await Promise.all(Array.from({ length: replicas }, () => freePort())) : [];
    for (let i = 0; i < replicas; i++) {
      const cluster =
        replicas > 1
          ? [
              `--cluster.listen-address=127.0.0.1:${clusterPorts[i]}`,
              `--cluster.advertise-address=127.0.0.1:${clusterPorts[i]}`,
              ...clusterPorts.filter((_, j) => j !== i).map((port) => `--cluster.peer=127.0.0.1:${port}`),
              `--cluster.peer-timeout=${CLUSTER_PEER_TIMEOUT}`,
            ]
          : // Empty: no gossip cluster, so nothing listens beyond the one loopback port.
            ["--cluster.listen-address="];
      const name = replicas > 1 ? `alertmanager-${i}` : "alertmanager";
      const process = new ManagedProcess(name, this.alertmanagerBinary, [
        `--config.file=${configFile}`,
        `--storage.path=${path.join(this.dir, name, "data")}`,
        `--web.listen-address=127.0.0.1:${webPorts[i]}`,
        ...cluster,
      ]);
      this.alertmanagers.push(process);
      this.alertmanagerUrls.push(`http://127.0.0.1:${webPorts[i]}`);
    }
    [this.alertmanager, this.alertmanagerUrl] = [this.alertmanagers[0], this.alertmanagerUrls[0]];
    for (const process of this.alertmanagers) process.start();
    await Promise.all(this.alertmanagers.map((process, i) => this.waitReady(process, this.alertmanagerUrls[i])));
  }

  private async startPrometheus(rulesDir: string): Promise<void> {
    const replicas = this.options.prometheusReplicas ?? 1;
    const { scrapeInterval, ruleEvaluationInterval } = this.cfg;
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      const name = replicas > 1 ? `prometheus-${i}` : "prometheus";
      const configFile = path.join(this.dir, name, "prometheus.yml");
      fs.mkdirSync(path.dirname(configFile), { recursive: true });
      const replica = String.fromCharCode(97 + i);
      fs.writeFileSync(
        configFile,
        toYaml({
          global: {
            scrape_interval: scrapeInterval.text,
            scrape_timeout: scrapeInterval.text,
            evaluation_interval: ruleEvaluationInterval.text,
            ...(replicas > 1 ? { external_labels: { replica } } : {}),
          },
          // Each environment's mounted rules ConfigMap (Prometheus globs the last element only, and `*.yml` never
          // matches the kubelet's `..data` folders inside), and files placed beside them by hand.
          rule_files: [...this.options.environments.map((environment) => path.join(path.dirname(this.ruleFile(environment)), "*.yml")), path.join(rulesDir, "*.yml")],
          alerting: {
            // An HA pair's alerts must be one alert to Alertmanager: the replica label goes before they are sent.
            ...(replicas > 1 ? { alert_relabel_configs: [{ action: "labeldrop", regex: "replica" }] } : {}),
            // Every Alertmanager, never one address in front of them (Alertmanager's README): the cluster dedups.
            alertmanagers: [{ static_configs: [{ targets: this.alertmanagerUrls.map((url) => url.replace("http://", "")) }] }],
          },
          scrape_configs: [
            {
              job_name: "rsolv-platform",
              // What Kubernetes service discovery adds in a cluster: the namespace and pod of each target.
              static_configs: [...this.simulators].map(([environment, simulator]) => ({
                targets: [simulator.target],
                labels: { namespace: environment, pod: `${environment}-rsolv-platform-0` },
              })),
            },
            // The servers' own series, under the job labels the stack's defaults select (prometheusJob, alertmanagerJob).
            { job_name: this.cfg.prometheusJob, static_configs: [{ targets: [`127.0.0.1:${port}`] }] },
            { job_name: this.cfg.alertmanagerJob, static_configs: [{ targets: this.alertmanagerUrls.map((url) => url.replace("http://", "")) }] },
          ],
        }),
      );
      // Started under a name of this sandbox's own, which its reloader sidecars signal (see reloader.ts).
      const processName = `prom-${randomBytes(3).toString("hex")}${i}`;
      const executable = path.join(this.dir, "bin", processName);
      fs.mkdirSync(path.dirname(executable), { recursive: true });
      fs.symlinkSync(this.prometheusBinary, executable);
      this.prometheusProcessNames.push(processName);
      const process = new ManagedProcess(name, executable, [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(this.dir, name, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Prometheus re-sends firing alerts this often (default 1m): alerts that fired before it had discovered
        // Alertmanager (the Watchdog, at once) would wait that long. Alertmanager holds an alert for 4 × this after
        // the last send, which outlasts a Prometheus restart.
        `--rules.alert.resend-delay=${PROMETHEUS_RESEND_DELAY}`,
      ]);
      this.prometheuses.push(process);
      this.prometheusUrls.push(`http://127.0.0.1:${port}`);
    }
    [this.prometheus, this.prometheusUrl] = [this.prometheuses[0], this.prometheusUrls[0]];
    for (const process of this.prometheuses) process.start();
    await Promise.all(this.prometheuses.map((process, i) => this.waitReady(process, this.prometheusUrls[i])));
  }

  /**
   * The config reloader sidecars, one per server replica and stack that patches it (each environment's on every
   * Prometheus, the owner's on every Alertmanager), each run with its stack's rendered arguments (reloader.ts). The
   * sandbox waits until each watches its directories. As in a new pod, each also reloads its server once, a watch
   * interval (1 minute) after it started: a reload of unchanged files, which changes nothing.
   */
  private async startReloaders(owner: string): Promise<void> {
    const binary = binaryPath("prometheus-config-reloader");
    const started: { process: ManagedProcess; server: "prometheus" | "alertmanager"; url: string }[] = [];
    for (const [environment, rendered] of this.rendered) {
      for (const sidecar of rendered.sidecars) {
        const prometheus = sidecar.workload === this.cfg.prometheusDeployment;
        if (!prometheus && environment !== owner) throw new Error(`${environment}: only the owner patches Alertmanager, but ${sidecar.container.name} does`);
        const directories: Record<string, Readonly<Record<string, string>>> = prometheus
          ? { configMap: { [rendered.rulesConfigMap]: path.dirname(this.ruleFile(environment)) }, secret: {} }
          : rendered.alertmanager!.directories;
        const urls = prometheus ? this.prometheusUrls : this.alertmanagerUrls;
        urls.forEach((url, i) => {
          const args = sandboxArgs(sidecar, {
            directoryOf: ({ kind, name }) => {
              const directory = directories[kind][name];
              if (!directory) throw new Error(`${sidecar.container.name} watches ${kind} ${name}, which the sandbox does not mount`);
              return directory;
            },
            serverUrl: url,
            processName: prometheus ? this.prometheusProcessNames[i] : "alertmanager",
          });
          const process = new ManagedProcess(`${sidecar.container.name}-${i}`, binary, args);
          const watches = prometheus ? `rules of ${environment}` : "alertmanager";
          this.reloadersOf.set(watches, [...(this.reloadersOf.get(watches) ?? []), process]);
          started.push({ process, server: prometheus ? "prometheus" : "alertmanager", url });
        });
      }
    }
    this.reloaders.push(...started.map(({ process }) => process));
    for (const { process } of started) process.start();
    await Promise.all(
      started.map(({ process }) =>
        waitFor(`${process.name} to watch its directories`, () => {
          if (!process.running) throw new Error(`${process.name} exited:\n${process.tail()}`);
          if (process.tail(200).includes("started watching")) return true;
          throw new Error(`its last lines:\n${process.tail(5)}`);
        }, 30_000, 100),
      ),
    );
    if (started.length > 0) this.log(`config reloaders: ${started.map(({ process }) => process.name).join(", ")}`);
  }

  /**
   * An environment's stack rendered again with `config` over what the sandbox started with (a changed threshold, a
   * changed route): what its next `pulumi up` would write. Nothing is written or reloaded.
   */
  async render(environment: string, config: Readonly<Record<string, string>>): Promise<RenderedEnvironment> {
    return this.renderOf(environment, config);
  }

  /**
   * Writes an environment's new rule file as the kubelet updates its ConfigMap volume; the reloader sidecars make
   * Prometheus read it. Resolves once each has reloaded its Prometheus after the write; a refusal is an error.
   */
  async updateRules(environment: string, ruleFile: string): Promise<void> {
    await this.afterReload(`rules of ${environment}`, () => new KubeletVolume(path.dirname(this.ruleFile(environment))).write({ [RULE_FILE]: ruleFile }));
  }

  /**
   * Writes the owner's Alertmanager files (a stack's render of them, `RenderedAlertmanager`) as the kubelet updates
   * the ConfigMap and Secret volumes; the reloader sidecars make every Alertmanager read them. Resolves once each has
   * reloaded its Alertmanager after the write or been refused (see {@link reloadSucceeded}).
   */
  async updateAlertmanager(rendered: RenderedAlertmanager): Promise<void> {
    await this.afterReload("alertmanager", () => this.deployAlertmanager(rendered), { successful: false });
  }

  /**
   * Writes the owner's Alertmanager mounts, and the configuration as deployed (the local additions included) into
   * its rendered tree, where `npm run verify` compares it byte for byte with what Alertmanager loaded.
   */
  private deployAlertmanager(rendered: RenderedAlertmanager): void {
    writeMounts(rendered, this.localOverrides!);
    const file = path.join(this.renderedDir(this.owner), "alertmanager", CONFIG_FILE);
    if (fs.existsSync(file)) fs.writeFileSync(file, withLocalOverrides(rendered.config, this.localOverrides!));
  }

  /** Whether each replica's last configuration reload succeeded (its `<server>_config_last_reload_successful`). */
  async reloadSucceeded(server: "prometheus" | "alertmanager"): Promise<boolean[]> {
    const urls = server === "prometheus" ? this.prometheusUrls : this.alertmanagerUrls;
    return Promise.all(urls.map(async (url) => sumSeries(await (await fetch(`${url}/metrics`)).text(), `${server}_config_last_reload_successful`) === 1));
  }

  /**
   * Runs `write`, then waits until each of the server's reloader sidecars has acted on it: reloaded its server
   * ("Reload triggered"), or been refused (its retry loop logs "function failed" with the server's answer, and
   * retries every 5 s). With `successful`, a refusal is an error.
   */
  private async afterReload(watched: string, write: () => void, { successful = true } = {}): Promise<void> {
    const reloaders = this.reloadersOf.get(watched) ?? [];
    if (reloaders.length === 0) throw new Error(`no reloader sidecar watches the ${watched}`);
    const server = watched === "alertmanager" ? "Alertmanager" : "Prometheus";
    const marks = reloaders.map((process) => process.mark());
    write();
    await Promise.all(
      reloaders.map((process, i) =>
        waitFor(`${process.name} to reload ${server} after a change of the ${watched} (it waits 5 s)`, () => {
          const printed = process.since(marks[i]);
          if (printed.includes("Reload triggered")) return true;
          if (!printed.includes("trigger reload")) return false;
          if (successful) throw new Error(`${server} refused the reload:\n${printed.trim()}`);
          return true;
        }, 60_000, 200),
      ),
    );
  }

  /** An environment's rendered stack (`npm run render`'s tree, secrets as the marker), for `npm run verify -- --rendered`. */
  renderedDir(environment: string): string {
    return path.join(this.dir, "rendered", environment);
  }

  /** Stops one Alertmanager replica (SIGTERM), as a pod that dies. */
  async stopAlertmanager(replica: number): Promise<void> {
    await this.alertmanagers[replica].stop();
  }

  /** Starts a stopped Alertmanager replica again, on its port and storage; it rejoins the cluster. */
  async startAlertmanagerAgain(replica: number): Promise<void> {
    this.alertmanagers[replica].start();
    await this.waitReady(this.alertmanagers[replica], this.alertmanagerUrls[replica]);
  }

  /**
   * Restarts an Alertmanager replica as a pod without a persistent volume restarts: its storage (notification log and
   * silences) starts empty.
   */
  async restartAlertmanagerWithoutStorage(replica: number): Promise<void> {
    await this.stopAlertmanager(replica);
    fs.rmSync(path.join(this.dir, this.alertmanagers[replica].name, "data"), { recursive: true, force: true });
    await this.startAlertmanagerAgain(replica);
  }

  /** An Alertmanager replica's cluster: its status and the peers it sees. */
  async clusterStatus(replica: number): Promise<{ status: string; peers: number }> {
    const body = await getJson<{ cluster: { status: string; peers?: unknown[] } }>(`${this.alertmanagerUrls[replica]}/api/v2/status`);
    return { status: body.cluster.status, peers: body.cluster.peers?.length ?? 0 };
  }

  private async waitReady(process: ManagedProcess, url: string): Promise<void> {
    await waitFor(`${process.name} to be ready at ${url}`, async () => {
      if (!process.running) throw new Error(`${process.name} exited:\n${process.tail()}`);
      const response = await fetch(`${url}/-/ready`);
      return response.ok;
    }, 30_000, 100);
    this.log(`${process.name}: ${url}`);
  }

  /**
   * Where Prometheus reads an environment's rule file: the file's link in its ConfigMap volume. Written in place, it
   * changes the file inside the current `..data` folder (SIGHUP with {@link reload}); {@link updateRules} writes as the
   * kubelet does.
   */
  ruleFile(environment: string): string {
    return path.join(this.dir, "prometheus", "rules", environment, RULE_FILE);
  }

  /** The configuration file the Alertmanager replicas run. */
  get alertmanagerConfigFile(): string {
    return this.alertmanagerConfig;
  }

  /**
   * Makes the first Prometheus or every Alertmanager re-read its files (SIGHUP, as a config reloader sidecar does)
   * and resolves once each reports a successful reload after the signal.
   */
  async reload(server: "prometheus" | "alertmanager"): Promise<void> {
    const [processes, urls] = server === "prometheus" ? [[this.prometheus], [this.prometheusUrl]] : [this.alertmanagers, this.alertmanagerUrls];
    const metric = `${server}_config_last_reload_success_timestamp_seconds`;
    const reloadedAt = async (url: string): Promise<number> => sumSeries(await (await fetch(`${url}/metrics`)).text(), metric);
    const before = await Promise.all(urls.map(reloadedAt));
    for (const process of processes) process.signal("SIGHUP");
    await Promise.all(urls.map((url, i) => waitFor(`${server} at ${url} to reload`, async () => (await reloadedAt(url)) > before[i], 30_000, 100)));
  }

  /** Stops Prometheus and starts it again on the same port and data directory. */
  async restartPrometheus(): Promise<void> {
    await this.prometheus.stop();
    this.prometheus.start();
    await this.waitReady(this.prometheus, this.prometheusUrl);
  }

  simulator(environment: string): BillingSimulator {
    const simulator = this.simulators.get(environment);
    if (!simulator) throw new Error(`no environment ${environment}`);
    return simulator;
  }

  async setScenario(environment: string, scenario: string): Promise<void> {
    await this.simulator(environment).setScenario(scenario);
  }

  /** Pending and firing alerts in Prometheus. */
  async alerts(): Promise<PrometheusAlert[]> {
    const body = await getJson<{ data: { alerts: PrometheusAlert[] } }>(`${this.prometheusUrl}/api/v1/alerts`);
    return body.data.alerts;
  }

  /** Names of the alerts firing in Prometheus for an environment, sorted. */
  async firing(environment: string): Promise<string[]> {
    return (await this.alerts())
      .filter((alert) => alert.state === "firing" && alert.labels.environment === environment)
      .map((alert) => alert.labels.alertname)
      .sort();
  }

  /** An instant query; returns the vector (or the scalar as a one-sample vector). */
  async query(expr: string): Promise<VectorSample[]> {
    const body = await getJson<{ data: { resultType: string; result: unknown } }>(`${this.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    if (body.data.resultType === "scalar") return [{ metric: {}, value: body.data.result as [number, string] }];
    if (body.data.resultType !== "vector") throw new Error(`${expr}: a ${body.data.resultType}, not a vector`);
    return body.data.result as VectorSample[];
  }

  /** Alerts Alertmanager holds (active, inhibited or silenced). */
  async alertmanagerAlerts(): Promise<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[]> {
    return getJson(`${this.alertmanagerUrl}/api/v2/alerts`);
  }

  /** Stops everything this sandbox started, in reverse order; safe to call twice and after a partial start. */
  async stop(): Promise<void> {
    await Promise.all(this.reloaders.map((process) => process.stop()));
    await Promise.all([...this.prometheuses, ...this.alertmanagers].map((process) => process.stop()));
    await Promise.all([...this.simulators.values()].map((simulator) => simulator.stop()));
    await Promise.all([this.smtp?.stop(), this.webhooks.stop()]);
    if (this.dir && !this.options.keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
