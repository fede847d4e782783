/**
 * The sandbox page in a real browser, as a newcomer uses it: `npm run sandbox`'s built script started as a person
 * starts it, its page opened from the URL it prints, a scenario switched with the page's button, the alert seen
 * firing (and the warning it inhibits, with why no email came), and the email read as the on-call reads it: the HTML
 * in the page's sandboxed frame, and the text part. Headless Chromium from Debian, driven by playwright-core; the
 * screenshot goes to .tmp/test-output/sandbox-page.png.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { type Browser, chromium } from "playwright-core";

import { ROOT } from "../../tools/engine/program";

const SCRIPT = path.join(ROOT, "dist", "tools", "cli", "sandbox.js");
const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = path.join(ROOT, ".tmp", "test-output");
const CRITICAL = "BillingPaymentFailureRateCritical";
const WARNING = "BillingPaymentFailureRateHigh";

let child: ChildProcess;
let output = "";
let browser: Browser;
let pageUrl: string;

beforeAll(async () => {
  // Fails, never skips, without the browser: tools/setup.sh installs it.
  expect(fs.existsSync(CHROMIUM)).toBe(true);
  child = spawn(process.execPath, [SCRIPT], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  pageUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no page line within 60 s:\n${output}`)), 60_000);
    const check = setInterval(() => {
      const url = /page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url && /scenario: /.test(output)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve(url);
      }
    }, 100);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox"] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
});

test("the page's URL is among the first lines the sandbox prints", () => {
  const lines = output.split("\n");
  expect(lines.findIndex((line) => line.includes(`page: ${pageUrl}`))).toBeLessThan(6);
});

test("switch a scenario, see the alert fire and the inhibited warning, and read the email as sent", async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(pageUrl);
  await page.locator('tr[data-environment="production"] button.scenario.current[data-scenario="healthy"]').waitFor();

  await page.click('tr[data-environment="production"] button[data-scenario="payment-failures-critical"]');
  await page.locator('tr[data-environment="production"] button.scenario.current[data-scenario="payment-failures-critical"]').waitFor();
  await page.locator(`tr.event[data-kind="firing"][data-alert="${CRITICAL}"]`).waitFor({ timeout: 90_000 });
  const inhibited = page.locator(`tr.event[data-kind="inhibited"][data-alert="${WARNING}"]`);
  await inhibited.waitFor({ timeout: 90_000 });
  expect(await inhibited.innerText()).toContain(`inhibited by ${CRITICAL}: no notification while it fires`);

  const mail = page.locator("tr.mail", { hasText: `🚨 CRITICAL BILLING ALERT: ${CRITICAL}` });
  await mail.waitFor({ timeout: 90_000 });
  await mail.click();
  // The text part, and the HTML as the recipient's client shows it, in the page's sandboxed frame.
  await page.locator("pre.mail-text").waitFor();
  expect(await page.locator("pre.mail-text").innerText()).toMatch(new RegExp(`^FIRING: ${CRITICAL} \\(sandbox-production\\)`));
  expect(await page.locator("#mail-view .headers").innerText()).toContain("admin@rsolv.dev, billing-oncall@rsolv.dev");
  const html = page.frameLocator('iframe[title="email HTML"]').locator("body");
  await html.waitFor();
  expect(await html.innerText()).toContain(CRITICAL);
  expect(await page.locator('iframe[title="email HTML"]').getAttribute("sandbox")).toBe("");
  // The healthy start's alerts that were pending and cleared (the absent-metrics guard) show only when asked for.
  const cleared = page.locator('tr.event[data-kind="cleared"]');
  expect(await cleared.count()).toBe(0);
  const logged = ((await (await fetch(`${pageUrl}api/state`)).json()) as { timeline: { kind: string }[] }).timeline.filter((event) => event.kind === "cleared").length;
  await page.check("#show-cleared");
  await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll('tr.event[data-kind="cleared"]').length >= n, logged);
  await page.uncheck("#show-cleared");

  fs.mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT, "sandbox-page.png") });
  await page.close();

  // The same story in the sandbox's own output, without pending noise.
  expect(output).toContain(`alert inhibited: ${WARNING} in sandbox-production by ${CRITICAL}`);
  expect(output).not.toMatch(/alert pending|alert cleared/);
}, 180_000);

test("each dashboard panel's queries open in Prometheus' graph page, which runs them over the sandbox's data", async () => {
  const state = (await (await fetch(`${pageUrl}api/state`)).json()) as { prometheusUrl: string; panels: { title: string; queries: { expr: string; graphUrl: string }[] }[] };
  const success = state.panels.find((panel) => panel.title === "Payment Success Rate")!;
  expect(success.queries.length).toBeGreaterThan(0);
  const { expr, graphUrl } = success.queries[0];
  expect(graphUrl.startsWith(`${state.prometheusUrl}/graph?g0.expr=${encodeURIComponent(expr)}`)).toBe(true);
  expect(expr).not.toMatch(/\$/);
  // What the graph page would draw: the query is valid and has data in the sandbox.
  const result = (await (await fetch(`${state.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; data: { result: unknown[] } };
  expect(result.status).toBe("success");
  expect(result.data.result.length).toBeGreaterThan(0);
});

test("an unknown scenario is refused with the valid names, on the page and on the simulator", async () => {
  const response = await fetch(`${pageUrl}api/scenario/production/bogus`, { method: "POST" });
  expect(response.status).toBe(404);
  expect(((await response.json()) as { error: string }).error).toBe(
    'unknown scenario "bogus"; the scenarios are healthy, payment-failures-warning, payment-failures-critical, webhook-failures, webhook-slow, webhooks-stalled, cancellation-spike, credit-anomaly, target-down',
  );
  const simulator = /sandbox-production simulator: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
  const direct = await fetch(`${simulator}/scenario/bogus`, { method: "PUT" });
  expect(direct.status).toBe(404);
  expect(await direct.text()).toContain('unknown scenario "bogus"; the scenarios are: healthy,');
});
