/**
 * `npm run verify -- --grafana <url>`: a copy of the stack's dashboard left from the hand import (another uid, another
 * folder) is named; none found passes. Grafana is a stand-in here (there is no Grafana server on these machines): it
 * answers `GET /api/search?type=dash-db&query=…` as Grafana does (case-insensitive title substring, uid, folderTitle)
 * and refuses a request without the token with 401; nothing else of Grafana's API exists in it.
 */
import * as http from "node:http";
import * as path from "node:path";

import { main } from "../../../tools/cli/verify";
import { ROOT } from "../../../tools/engine/program";
import { closeServer, listenLoopback } from "../../../tools/sandbox/process";

const TOKEN = "test-only-grafana-token";

async function grafana(dashboards: { uid: string; title: string; folderTitle?: string }[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401, { "Content-Type": "application/json" }).end('{"message":"Unauthorized"}');
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/api/search" || url.searchParams.get("type") !== "dash-db") return void res.writeHead(404).end();
    const query = (url.searchParams.get("query") ?? "").toLowerCase();
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(dashboards.filter((d) => d.title.toLowerCase().includes(query)).map((d) => ({ ...d, type: "dash-db", url: `/d/${d.uid}` }))));
  });
  const port = await listenLoopback(server);
  return { url: `http://127.0.0.1:${port}`, stop: () => closeServer(server) };
}

async function run(url: string, token = TOKEN): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(["--rendered", path.join(ROOT, "rendered", "production"), "--grafana", url], { VERIFY_GRAFANA_TOKEN: token }, (text) => (out += text));
  return { code, out };
}

const OURS = { uid: "billing-metrics", title: "Billing Metrics (production)", folderTitle: "Billing" };

describe("verify --grafana", () => {
  it("GIVEN a hand-imported copy under another uid WHEN verified THEN it is named with its folder, exit 1; without it the check passes", async () => {
    const withCopy = await grafana([OURS, { uid: "x7Yq2", title: "Billing Metrics (production)", folderTitle: "General" }, { uid: "other", title: "Platform" }]);
    try {
      const result = await run(withCopy.url);
      expect(result.code).toBe(1);
      expect(result.out).toContain('- "Billing Metrics (production)" is also dashboard x7Yq2 in folder "General": a copy the stack does not update; delete it in Grafana (docs/adopting.md)');
    } finally {
      await withCopy.stop();
    }
    const clean = await grafana([OURS]);
    try {
      const result = await run(clean.url);
      expect({ code: result.code, line: result.out.split("\n").find((l) => l.includes("No copy")) }).toEqual({ code: 0, line: expect.stringMatching(/^PASS .* billing-metrics found, and no other dashboard of the same title$/) });
      // The token is sent and never printed; a wrong one is refused as unreachable (exit 3).
      expect(result.out).not.toContain(TOKEN);
      expect((await run(clean.url, "wrong")).code).toBe(3);
    } finally {
      await clean.stop();
    }
  });
});
