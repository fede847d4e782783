/**
 * Local stand-ins for the HTTP receivers Alertmanager posts to: each integration's service (alerts/integrations.ts:
 * Slack's incoming webhook, PagerDuty's Events API, …) and the heartbeat service. One server, a path per receiver
 * (`/<sink>`); every JSON body is kept.
 */
import * as http from "node:http";

import { INTEGRATIONS, type SinkAnswer } from "../../alerts/integrations";
import { closeServer, listenLoopback } from "./process";

/** The heartbeat's sink; every other is an integration's (its `sandbox.sink`). */
export const HEARTBEAT_SINK = "heartbeat";
export type SinkName = string;

export interface ReceivedPost {
  readonly receivedAt: number;
  readonly sink: SinkName;
  readonly body: unknown;
}

/** What each real service answers a good post with: Alertmanager reads some answers, and fails on a wrong one. */
const ANSWERS: ReadonlyMap<SinkName, SinkAnswer> = new Map([
  ...INTEGRATIONS.map((integration) => [integration.sandbox.sink, integration.sandbox.answer] as const),
  [HEARTBEAT_SINK, [200, { "Content-Type": "text/plain" }, "OK"]],
]);

export class WebhookSink {
  readonly posts: ReceivedPost[] = [];
  private server?: http.Server;
  private port = 0;

  url(sink: SinkName): string {
    if (!ANSWERS.has(sink)) throw new Error(`the webhook sink has no ${sink}; it has ${[...ANSWERS.keys()].join(", ")}`);
    return `http://127.0.0.1:${this.port}/${sink}`;
  }

  received(sink: SinkName): ReceivedPost[] {
    return this.posts.filter((post) => post.sink === sink);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const sink = req.url?.slice(1) ?? "";
        const answer = ANSWERS.get(sink);
        if (req.method !== "POST" || !answer) {
          res.writeHead(404).end();
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res.writeHead(400).end();
          return;
        }
        this.posts.push({ receivedAt: Date.now(), sink, body });
        const [status, headers, reply] = answer;
        res.writeHead(status, headers).end(reply);
      });
    });
    this.port = await listenLoopback(server);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await closeServer(server);
  }
}
