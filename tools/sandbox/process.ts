/**
 * Child processes of the sandbox (Prometheus, Alertmanager): started with their output kept for diagnosis, stopped
 * by whoever started them, and free loopback ports for them to listen on (the binaries they run: tools/servers.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import type * as http from "node:http";
import * as net from "node:net";

/** A free TCP port on 127.0.0.1 (the OS picks it; the caller binds it right after). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Closes an HTTP server and the connections it still holds (keep-alive clients would hold it open). */
/** Listens on 127.0.0.1 (`port` 0: a free one) and resolves with the port it got. */
export async function listenLoopback(server: http.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export class ManagedProcess {
  private child?: ChildProcess;
  private output = "";
  /** Characters printed since the first start, kept or not. */
  private printed = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** A mark in what it prints, for {@link since}. */
  mark(): number {
    return this.printed;
  }

  /** What it printed after `mark` (as much as is kept). */
  since(mark: number): string {
    const length = Math.min(this.printed - mark, this.output.length);
    return length === 0 ? "" : this.output.slice(-length);
  }

  /** The last lines it printed, for an error message. */
  tail(lines = 30): string {
    return this.output.split("\n").slice(-lines).join("\n");
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const child = spawn(this.command, [...this.args], { stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer): void => {
      // Bounded: a long sandbox session must not grow without limit.
      const text = chunk.toString("utf8");
      this.printed += text.length;
      this.output = (this.output + text).slice(-64_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("error", (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
    this.child = child;
  }

  /** Sends a signal (SIGHUP: Prometheus and Alertmanager reload their configuration). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) throw new Error(`${this.name} is not running`);
    this.child!.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
