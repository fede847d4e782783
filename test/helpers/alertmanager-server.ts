/**
 * A real Alertmanager (the current release by default, tools/servers.ts) on 127.0.0.1, started on a configuration file with
 * its own temporary storage and clustering off. Callers must {@link AlertmanagerServer.stop} it (in afterAll or
 * finally) so no process outlives the test run.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { freePort, ManagedProcess } from "../../tools/sandbox/process";
import { binaryPath, type Release } from "../../tools/servers";
import type { Labels } from "./alertmanager-semantics";

export interface AlertStatus {
  readonly labels: Labels;
  readonly state: string;
  readonly inhibitedBy: readonly string[];
}

export class AlertmanagerServer {
  private constructor(
    private readonly process: ManagedProcess,
    readonly url: string,
    private readonly storage: string,
  ) {}

  static async start(configFile: string, release: Release = "current"): Promise<AlertmanagerServer> {
    const port = await freePort();
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), "billing-am-storage-"));
    const args = [`--config.file=${configFile}`, `--storage.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"];
    const server = new AlertmanagerServer(new ManagedProcess("Alertmanager", binaryPath("alertmanager", release), args), `http://127.0.0.1:${port}`, storage);
    server.process.start();
    try {
      await server.waitUntilReady();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!this.process.running) throw new Error(`Alertmanager exited:\n${this.process.tail()}`);
      try {
        if ((await fetch(`${this.url}/-/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Alertmanager did not become ready in 15s:\n${this.process.tail()}`);
  }

  /** Posts firing alerts, as Prometheus would. */
  async post(alerts: readonly Labels[]): Promise<void> {
    const body = alerts.map((labels) => ({ labels, annotations: { summary: "test alert" }, startsAt: new Date().toISOString() }));
    const response = await fetch(`${this.url}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`posting alerts failed: ${response.status} ${await response.text()}`);
  }

  async alerts(): Promise<AlertStatus[]> {
    const response = await fetch(`${this.url}/api/v2/alerts`);
    if (!response.ok) throw new Error(`reading alerts failed: ${response.status}`);
    const list = (await response.json()) as { labels: Labels; status: { state: string; inhibitedBy: string[] } }[];
    return list.map((alert) => ({ labels: alert.labels, state: alert.status.state, inhibitedBy: alert.status.inhibitedBy }));
  }

  async stop(): Promise<void> {
    await this.process.stop(5_000);
    fs.rmSync(this.storage, { recursive: true, force: true });
  }
}
