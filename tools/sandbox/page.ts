/**
 * The sandbox as one local page (127.0.0.1): a scenario switch per environment; each alert over time (pending,
 * firing, inhibited and by what, resolved); every notification as delivered (emails with their headers, recipients,
 * HTML as the recipient's mail client shows it and text; Slack, PagerDuty and heartbeat payloads); links to the real
 * Prometheus and Alertmanager; and each dashboard panel's queries, each opening in Prometheus' own graph page.
 *
 * Written by hand: the page reads the sandbox's own sinks and logs. A development mail server with a web inbox
 * (MailDev 2.1) turns STARTTLS off whenever it requires AUTH, and Alertmanager's `require_tls` needs both.
 */
import * as http from "node:http";

import { readExpected } from "../verify/expected";
import type { AlertLog } from "./alert-log";
import { PAGE_HTML } from "./page-html";
import { closeServer, listenLoopback } from "./process";
import type { Sandbox } from "./sandbox";

export interface PageEnvironment {
  /** The environment label the sandbox runs it under. */
  readonly label: string;
  /** What a person calls it (production, staging). */
  readonly name: string;
}

export interface PageOptions {
  readonly sandbox: Sandbox;
  readonly log: AlertLog;
  readonly environments: readonly PageEnvironment[];
  /** Where the thresholds came from, and the values taken from there. */
  readonly thresholds: { readonly source: string; readonly values: Readonly<Record<string, string>> };
}

/**
 * Grafana's variables in a panel query, as a Prometheus graph over the sandbox's data reads them: the rate interval
 * at Grafana's floor of 4 × the 1 s scrape interval, and every template variable at its "All" value.
 */
const GRAFANA_VARIABLES: readonly [RegExp, string][] = [
  [/\$__rate_interval/g, "4s"],
  [/\$__interval/g, "1s"],
  [/\$__range/g, "15m"],
  [/\$\{?(plan|customer_id)\}?/g, ".*"],
];

export interface PanelQueries {
  readonly environment: string;
  readonly title: string;
  readonly type: string;
  readonly queries: readonly { readonly expr: string; readonly graphUrl: string }[];
}

/** Each panel of each environment's rendered dashboard, its queries as Prometheus graph links. */
export function panelQueries(sandbox: Sandbox, environments: readonly PageEnvironment[]): PanelQueries[] {
  return environments.flatMap(({ label }) =>
    readExpected(sandbox.renderedDir(label)).panels.map((panel) => ({
      environment: label,
      title: panel.title,
      type: panel.type,
      queries: panel.queries.map((query) => {
        const expr = GRAFANA_VARIABLES.reduce((text, [pattern, value]) => text.replace(pattern, value), query);
        return { expr, graphUrl: `${sandbox.prometheusUrl}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=0&g0.range_input=15m` };
      }),
    })),
  );
}

export class SandboxPage {
  private server?: http.Server;
  private port = 0;

  constructor(private readonly options: PageOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Everything the page shows, as JSON. */
  state(): unknown {
    const { sandbox, log, environments, thresholds } = this.options;
    return {
      prometheusUrl: sandbox.prometheusUrl,
      alertmanagerUrl: sandbox.alertmanagerUrl,
      scenarios: sandbox.simulator(environments[0].label).scenarios,
      environments: environments.map(({ label, name }) => ({ label, name, scenario: sandbox.simulator(label).scenario })),
      thresholds,
      timeline: log.events,
      emails: sandbox.smtp.emails.map((email, id) => ({
        id,
        receivedAt: email.receivedAt,
        subject: email.subject,
        from: email.from,
        recipients: email.recipients,
        headers: Object.fromEntries([...email.headers].filter(([name]) => !["content-type", "mime-version", "content-transfer-encoding"].includes(name)).map(([name, value]) => [name, headerText(value)])),
        text: email.text,
        hasHtml: email.html !== undefined,
      })),
      webhooks: sandbox.webhooks.posts,
      panels: panelQueries(sandbox, environments),
    };
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.port = await listenLoopback(server);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    try {
      if (req.method === "GET" && url.pathname === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(PAGE_HTML);
      } else if (req.method === "GET" && url.pathname === "/api/state") {
        json(200, this.state());
      } else if (req.method === "GET" && /^\/email\/\d+\.html$/.test(url.pathname)) {
        const email = this.options.sandbox.smtp.emails[Number(/\d+/.exec(url.pathname)![0])];
        if (!email?.html) return json(404, { error: "no such email, or it has no HTML part" });
        // Shown in a sandboxed frame: no script runs and nothing loads from elsewhere, as in a careful mail client.
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:" }).end(email.html);
      } else if (req.method === "POST" && /^\/api\/scenario\/[^/]+\/[^/]+$/.test(url.pathname)) {
        const [, , , label, scenario] = url.pathname.split("/").map(decodeURIComponent);
        const environment = this.options.environments.find((e) => e.label === label || e.name === label);
        if (!environment) return json(404, { error: `unknown environment ${JSON.stringify(label)}; the environments are ${this.options.environments.map((e) => e.name).join(", ")}` });
        const scenarios = this.options.sandbox.simulator(environment.label).scenarios;
        if (!scenarios.includes(scenario)) return json(404, { error: `unknown scenario ${JSON.stringify(scenario)}; the scenarios are ${scenarios.join(", ")}` });
        await this.options.sandbox.setScenario(environment.label, scenario);
        json(200, { environment: environment.name, scenario });
      } else {
        json(404, { error: "GET /, GET /api/state, GET /email/<n>.html, POST /api/scenario/<environment>/<scenario>" });
      }
    } catch (error) {
      json(500, { error: String(error) });
    }
  }
}

/** A parsed header's value as text (mailparser gives structured values for addresses and dates). */
function headerText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object" && "text" in value) return String((value as { text: unknown }).text);
  if (value && typeof value === "object" && "value" in value) return String((value as { value: unknown }).value);
  return JSON.stringify(value);
}
