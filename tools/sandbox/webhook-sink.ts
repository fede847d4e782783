/**
 * Local stand-ins for the HTTP receivers Alertmanager posts to: Slack's incoming webhook, PagerDuty's Events API and
 * the heartbeat service. One server, a path per receiver; every JSON body is kept.
 */
import * as http from "node:http";

import { closeServer, listenLoopback } from "./process";

export const SINK_PATHS = { slack: "/slack", pagerduty: "/pagerduty", heartbeat: "/heartbeat" } as const;
export type SinkName = keyof typeof SINK_PATHS;

export interface ReceivedPost {
  readonly receivedAt: number;
  readonly sink: SinkName;
  readonly body: unknown;
}

/**
 * What each real service answers a good post with. Alertmanager 0.27+ reads Slack's answer: a JSON one must say
 * `"ok": true` (the Web API's), a text one must be exactly `ok` (an incoming webhook's, `text/html`); anything else
 * fails the notification, which is then never marked sent (and never resolved). PagerDuty's Events API v2 answers 202.
 */
const ANSWERS: Readonly<Record<SinkName, readonly [number, http.OutgoingHttpHeaders, string]>> = {
  slack: [200, { "Content-Type": "text/html" }, "ok"],
  pagerduty: [202, { "Content-Type": "application/json" }, '{"status":"success","message":"Event processed","dedup_key":"sandbox"}'],
  heartbeat: [200, { "Content-Type": "text/plain" }, "OK"],
};

export class WebhookSink {
  readonly posts: ReceivedPost[] = [];
  private server?: http.Server;
  private port = 0;

  url(sink: SinkName): string {
    return `http://127.0.0.1:${this.port}${SINK_PATHS[sink]}`;
  }

  received(sink: SinkName): ReceivedPost[] {
    return this.posts.filter((post) => post.sink === sink);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const sink = (Object.keys(SINK_PATHS) as SinkName[]).find((name) => SINK_PATHS[name] === req.url);
        if (req.method !== "POST" || !sink) {
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
        const [status, headers, answer] = ANSWERS[sink];
        res.writeHead(status, headers).end(answer);
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
