/**
 * `npm run verify` against the sandbox's real Prometheus and Alertmanager, run as a person runs it: the built script
 * (dist/, built once by global-setup.ts exactly as `npm run verify` builds it) in a child process, judged by its
 * output and exit code. The sandbox writes each environment's rendered tree as `npm run render` does; verify reads it
 * with `--rendered`.
 *
 * First everything as deployed: every check passes and the test alert reaches the SMTP sink once, then its
 * resolution. Then each fault on purpose, each undone before the next: rules not loaded, a rule changed live, a
 * rule that fails to evaluate, a metric the app stops exporting, an Alertmanager running another configuration,
 * Prometheus unreachable, credentials refused, Alertmanager down.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";

import { parse, stringify } from "yaml";

import { METRICS } from "../../promql/metrics";
import { ROOT } from "../../tools/engine/program";
import { freePort } from "../../tools/sandbox/process";
import { Sandbox, waitFor } from "../../tools/sandbox/sandbox";
import { emailsOf, seedEmail, sorted } from "./expectations";
import { WAIT_MS, waitForTraffic } from "./sandbox-helpers";
import { checkLine, VERIFY_SCRIPT, verify } from "./verify-cli";

/** Not "production": that environment name also brings the production stack's promotion gate. */
const PAGING = "verify-prod";
const NON_PAGING = "verify-staging";
const TEST_ALERT = "BillingMonitoringTestAlert";

let sandbox: Sandbox;
const against = (environment: string): string[] => ["--rendered", sandbox.renderedDir(environment), "--prometheus", sandbox.prometheusUrl, "--alertmanager", sandbox.alertmanagerUrl];

/** Edits a YAML file Prometheus or Alertmanager reads, reloads it, and returns a function that restores and reloads. */
async function edit(server: "prometheus" | "alertmanager", file: string, change: (document: any) => void): Promise<() => Promise<void>> {
  const original = fs.readFileSync(file, "utf8");
  const document = parse(original);
  change(document);
  fs.writeFileSync(file, stringify(document));
  await sandbox.reload(server);
  return async () => {
    fs.writeFileSync(file, original);
    await sandbox.reload(server);
  };
}

/** Once every loaded rule has been evaluated after `since` (a reload replaces the groups). */
async function rulesEvaluatedSince(since: number): Promise<void> {
  await waitFor("every rule evaluated after the reload", async () => {
    const body = (await (await fetch(`${sandbox.prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { lastEvaluation: string }[] }[] } };
    return body.data.groups.every((group) => group.rules.every((rule) => Date.parse(rule.lastEvaluation) > since));
  }, WAIT_MS);
}

beforeAll(async () => {
  expect(fs.existsSync(VERIFY_SCRIPT)).toBe(true);
  sandbox = await Sandbox.start({ environments: [PAGING, NON_PAGING], nonPaging: [NON_PAGING] });
  await waitForTraffic(sandbox, [PAGING, NON_PAGING]);
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
});

test("as deployed: every check passes, and the test alert is emailed once, then its resolution", async () => {
  const run = await verify([...against(PAGING), "--send-test-alert", "--timeout", "60s"]);

  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  for (const check of ["Prometheus reachable", "Prometheus release", "Live rules are the stack's", "Rules loaded", "No other rule fires the stack's alerts", "Metrics present", "Prometheus sends to Alertmanager", "Alertmanager release", "Alertmanager runs the stack's configuration", "Alertmanager loaded the stack's file", "Alertmanager cluster ready", "Alerts route as the stack intends", "Test alert delivered"]) {
    expect(checkLine(run, check)).toMatch(/^PASS /);
  }
  expect(run.stdout).toContain("All 13 checks passed.");
  expect(run.stdout).toContain(`posting test alert ${TEST_ALERT} for receiver billing-info`);
  // Delivered once, then resolved once: to the seed's info recipients, with a body that says it is a test.
  await waitFor("the test alert's resolution email", () => emailsOf(sandbox.smtp.emails, PAGING).some((email) => email.subject.startsWith("[RESOLVED]")), WAIT_MS);
  expect(sorted(emailsOf(sandbox.smtp.emails, PAGING))).toEqual(sorted([seedEmail("info", TEST_ALERT, "firing"), seedEmail("info", TEST_ALERT, "resolved")]));
  const [firing] = sandbox.smtp.emails.filter((email) => !email.subject.startsWith("[RESOLVED]"));
  expect(firing.text).toContain("TEST: npm run verify checks alert delivery; no action needed");
});

test("the non-paging environment's test alert goes to its non-paging receiver", async () => {
  const run = await verify([...against(NON_PAGING), "--send-test-alert", "--timeout", "60s"]);

  expect(run.code).toBe(0);
  expect(checkLine(run, "Test alert delivered")).toContain("sent to billing-non-paging by email, then resolved");
  await waitFor("the staging test alert's emails", () => emailsOf(sandbox.smtp.emails, NON_PAGING).length === 2, WAIT_MS);
  expect(emailsOf(sandbox.smtp.emails, NON_PAGING).map((email) => email.recipients)).toEqual([["alerts@rsolv.dev"], ["alerts@rsolv.dev"]]);
});

test("the hand-run setup's rule file left beside the stack's: each of its 7 alerts named with its file and group, exit 1; removing it clears the check", async () => {
  // Beside the stack's mounted rules, as the hand-run setup left it.
  const leftover = path.join(path.dirname(path.dirname(sandbox.ruleFile(PAGING))), "billing-alerts.yml");
  fs.copyFileSync(path.join(ROOT, "test", "fixtures", "seed-billing-alerts.yml"), leftover);
  await sandbox.reload("prometheus");
  try {
    const run = await verify(against(PAGING));
    expect(run.code).toBe(1);
    expect(checkLine(run, "No other rule fires the stack's alerts")).toMatch(/^FAIL .* 7 rules outside the stack's groups fire its alerts: each incident would page twice$/);
    for (const alert of ["BillingPaymentFailureRateHigh", "BillingPaymentFailureRateCritical", "StripeWebhookFailureRateHigh", "StripeWebhookProcessingDurationHigh", "StripeWebhooksStalled", "SubscriptionCancellationRateHigh", "BillingCreditGrantAnomalyDetected"]) {
      expect(run.stdout).toContain(`- ${alert} is also defined in group "billing_alerts" of ${leftover} (no environment label): both rules fire on the same incident, so it pages twice.`);
    }
    // The other environment's groups define the same names for their own environment: not leftovers.
    expect(run.stdout).not.toContain(NON_PAGING);
  } finally {
    fs.rmSync(leftover, { force: true });
    await sandbox.reload("prometheus");
  }
  const cleared = await verify(against(PAGING));
  expect(checkLine(cleared, "No other rule fires the stack's alerts")).toMatch(/^PASS /);
});

test("rules not loaded: every group named, exit 1", async () => {
  const ruleFile = sandbox.ruleFile(NON_PAGING);
  const original = fs.readFileSync(ruleFile, "utf8");
  const groups = (parse(original) as { groups: { name: string }[] }).groups;
  fs.rmSync(ruleFile);
  await sandbox.reload("prometheus");
  try {
    const run = await verify(against(NON_PAGING));

    expect(run.code).toBe(1);
    expect(checkLine(run, "Rules loaded")).toMatch(new RegExp(`^FAIL .*${groups.length} problems in ${groups.length} groups \\(0 of \\d+ rules found\\)`));
    for (const group of groups) expect(run.stdout).toContain(`- group ${group.name}: not loaded (Prometheus has no group of that name; is the rule file mounted, or the PrometheusRule selected?)`);
    // The other environment's rules are still there and still pass.
    expect(checkLine(await verify(against(PAGING)), "Rules loaded")).toMatch(/^PASS /);
  } finally {
    fs.writeFileSync(ruleFile, original);
    await sandbox.reload("prometheus");
  }
});

test("one rule changed live, and one that fails to evaluate: each named with what runs, exit 1", async () => {
  const rules = (parse(fs.readFileSync(sandbox.ruleFile(NON_PAGING), "utf8")) as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] }).groups;
  const [changed, broken] = rules.flatMap((group) => group.rules.filter((rule) => rule.alert).map((rule) => ({ group: group.name, alert: rule.alert! }))).filter((rule, i, all) => all.findIndex((r) => r.group === rule.group) === i);
  // A many-to-many join: parses, loads, and fails at every evaluation ("found duplicate series for the match group").
  const failing = `rsolv_billing_payment_processed_total{namespace="${NON_PAGING}"} / on(namespace) rsolv_billing_payment_processed_total{namespace="${NON_PAGING}"}`;
  const before = Date.now();
  const restore = await edit("prometheus", sandbox.ruleFile(NON_PAGING), (document) => {
    for (const group of document.groups) {
      for (const rule of group.rules) {
        if (rule.alert === changed.alert) rule.expr = `(${rule.expr}) * 2`;
        if (rule.alert === broken.alert) rule.expr = failing;
      }
    }
  });
  try {
    await rulesEvaluatedSince(before);
    const run = await verify(against(NON_PAGING));

    expect(run.code).toBe(1);
    expect(checkLine(run, "Rules loaded")).toMatch(/^FAIL /);
    expect(run.stdout).toContain(`- group ${changed.group}: ${changed.alert} runs another expression than the stack's:`);
    expect(run.stdout).toMatch(new RegExp(`- group ${broken.group}: ${broken.alert} is err: .*duplicate series`));
  } finally {
    await restore();
  }
  await rulesEvaluatedSince(Date.now());
  expect(checkLine(await verify(against(NON_PAGING)), "Rules loaded")).toMatch(/^PASS /);
});

test("a rules change rendered but not yet live: the live-rules hash fails naming each changed group; --wait waits for the kubelet's swap and passes", async () => {
  const changed = await sandbox.render(NON_PAGING, { paymentFailureWarningRatio: "0.2" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-next-"));
  try {
    for (const [file, content] of changed.files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    const next = ["--rendered", dir, "--prometheus", sandbox.prometheusUrl];
    const pending = await verify(next);
    expect(pending.code).toBe(1);
    expect(checkLine(pending, "Live rules are the stack's")).toMatch(/^FAIL .*not reloaded yet .*--wait 3m/);
    // The one group the threshold is in, and no other.
    expect(pending.stdout.match(/- group .*: what Prometheus evaluates differs from the rule file/g)).toEqual([`- group billing-payments-${NON_PAGING}: what Prometheus evaluates differs from the rule file`]);

    // The deploy lands while verify waits: the kubelet swaps the ConfigMap's files 15 s later, the reloader reloads.
    const waiting = verify([...next, "--wait", "90s"]);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await sandbox.updateRules(NON_PAGING, changed.ruleFile);
    const live = await waiting;
    expect(checkLine(live, "Live rules are the stack's")).toMatch(/^PASS .* the same in Prometheus$/);
    expect(live.stdout).toMatch(/waiting for Prometheus' rules to go live \(\d+ s left\)…/);
    // And the tree as it was before is now the one not live.
    expect(checkLine(await verify(against(NON_PAGING)), "Live rules are the stack's")).toMatch(/^FAIL /);
  } finally {
    await sandbox.updateRules(NON_PAGING, sandbox.rendered.get(NON_PAGING)!.ruleFile);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  expect(checkLine(await verify(against(NON_PAGING)), "Live rules are the stack's")).toMatch(/^PASS /);
});

test("a metric the app no longer exports: named with the rules and panels that read it, exit 1", async () => {
  // Read by the usage rules and the usage panel.
  const metric = METRICS.fixesConsumed.name;
  const simulator = sandbox.simulator(NON_PAGING);
  expect((await sandbox.query(`last_over_time(${metric}{namespace="${NON_PAGING}"}[2s])`)).length).toBeGreaterThan(0);
  simulator.registry.removeSingleMetric(metric);
  // Prometheus marks the series stale at its next scrape (every second in the sandbox): a 2 s lookback then has none.
  await waitFor(`${metric} gone from Prometheus`, async () => (await sandbox.query(`last_over_time(${metric}{namespace="${NON_PAGING}"}[2s])`)).length === 0, WAIT_MS);
  const run = await verify([...against(NON_PAGING), "--lookback", "2s"]);

  expect(run.code).toBe(1);
  expect(checkLine(run, "Metrics present")).toMatch(/^FAIL  Metrics present\s+1 of what the rules and panels read has no series in verify-staging/);
  expect(run.stdout).toMatch(new RegExp(`- ${metric}: no series in namespace ${NON_PAGING} over the last 2s; read by rule \\w+.*panel "`));
  // The other environment still exports it.
  expect(checkLine(await verify([...against(PAGING), "--lookback", "2s"]), "Metrics present")).toMatch(/^PASS /);
});

test("an Alertmanager running another configuration: the field and the misrouted alerts named, exit 1", async () => {
  const restore = await edit("alertmanager", sandbox.alertmanagerConfigFile, (document) => {
    const all = (route: any): any[] => [route, ...(route.routes ?? []).flatMap(all)];
    const critical = all(document.route).find((route: any) => route.receiver === "billing-critical");
    critical.receiver = "billing-warning";
  });
  try {
    const run = await verify(against(PAGING));

    expect(run.code).toBe(1);
    expect(checkLine(run, "Alertmanager runs the stack's configuration")).toMatch(/^FAIL .*1 difference from .*alertmanager\.yml/);
    expect(run.stdout).toMatch(/- route(\.routes\[\d+\])+\.receiver: the stack has "billing-critical", Alertmanager runs "billing-warning"/);
    expect(checkLine(run, "Alerts route as the stack intends")).toMatch(/^FAIL .* alerts are misrouted/);
    expect(run.stdout).toMatch(/- BillingPaymentFailureRateCritical: reaches billing-warning, the stack intends billing-critical/);
  } finally {
    await restore();
  }
  expect((await verify(against(PAGING))).code).toBe(0);
});

test("Prometheus unreachable: said with the URL, the Alertmanager checks still run, exit 3", async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const run = await verify(["--rendered", sandbox.renderedDir(PAGING), "--prometheus", closed, "--alertmanager", sandbox.alertmanagerUrl]);

  expect(run.code).toBe(3);
  expect(checkLine(run, "Prometheus reachable")).toBe(`FAIL  ${"Prometheus reachable".padEnd(44)} cannot reach Prometheus at ${closed}: connection refused (is it running, and is the port forwarded?)`);
  expect(checkLine(run, "Alertmanager runs the stack's configuration")).toMatch(/^PASS /);
  expect(run.stdout).toContain("1 of 6 checks failed.");
});

test("credentials refused: said without echoing them, exit 3", async () => {
  // A stand-in for an authenticating proxy in front of Prometheus: 401 to every request, recording what it was sent.
  const seen: (string | undefined)[] = [];
  const proxy = http.createServer((request, response) => {
    seen.push(request.headers.authorization);
    response.writeHead(401, { "www-authenticate": "Bearer" }).end("unauthorized");
  });
  const port = await freePort();
  await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
  try {
    const token = "verify-test-token-0123456789";
    const run = await verify(["--rendered", sandbox.renderedDir(PAGING), "--prometheus", `http://127.0.0.1:${port}`], { VERIFY_PROMETHEUS_TOKEN: token });

    expect(run.code).toBe(3);
    expect(checkLine(run, "Prometheus reachable")).toContain(`Prometheus at http://127.0.0.1:${port} refused the request (HTTP 401): the credentials given were not accepted; set them with the environment variables in \`npm run verify -- --help\``);
    expect(seen).toEqual([`Bearer ${token}`]);
    expect(run.stdout + run.stderr).not.toContain(token);

    const basic = await verify(["--rendered", sandbox.renderedDir(PAGING), "--prometheus", `http://ops:${token}@127.0.0.1:${port}`]);
    expect(basic.code).toBe(3);
    expect(seen[1]).toBe(`Basic ${Buffer.from(`ops:${token}`).toString("base64")}`);
    expect(basic.stdout + basic.stderr).not.toContain(token);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test("Alertmanager down: its checks fail with the reason, the test alert is not sent, exit 3", async () => {
  await sandbox.stopAlertmanager(0);
  const run = await verify([...against(PAGING), "--send-test-alert"]);

  expect(run.code).toBe(3);
  const refused = `cannot reach Alertmanager at ${sandbox.alertmanagerUrl}: connection refused (is it running, and is the port forwarded?)`;
  for (const check of ["Alertmanager runs the stack's configuration", "Alertmanager cluster ready", "Alerts route as the stack intends"]) expect(checkLine(run, check)).toContain(`FAIL  ${check.padEnd(44)} ${refused}`);
  expect(checkLine(run, "Test alert delivered")).toContain("not sent: Alertmanager is unreachable");
  expect(checkLine(run, "Rules loaded")).toMatch(/^PASS /);
});
