/**
 * Invariants over every rule each stack deploys: PromQL that fits the metric catalogue, the practices pint enforces,
 * and complete, consistent annotations.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parseDuration } from "../../common/duration";
import { checkPromQL, recordedLabels } from "../helpers/promql-checker";
import { allRules, alerts, deployedRuleFile, type RuleFile } from "../helpers/rule-file";

const SCRAPE_INTERVAL_SECONDS = 30; // the default scrapeInterval, which both stacks keep

function recordedIn(file: RuleFile): Map<string, string[]> {
  return new Map(allRules(file).filter((rule) => rule.record).map((rule) => [rule.record!, recordedLabels(rule.record!)]));
}

describe.each(["staging", "production"])("rules of the %s stack", (stack) => {
  let file: RuleFile;
  beforeAll(async () => {
    file = (await deployedRuleFile(stack)).parsed;
  });

  it("every expression parses and uses only catalogue metrics and labels, with fitting types and windows", () => {
    const recorded = recordedIn(file);
    const problems = allRules(file).flatMap((rule) =>
      checkPromQL(rule.expr, { recorded, scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS }).map((p) => `${rule.alert ?? rule.record}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("no rule aggregates by or keeps customer_id", () => {
    for (const rule of allRules(file)) expect({ rule: rule.alert ?? rule.record, customer: /customer_id/.test(rule.expr) }).toEqual({ rule: rule.alert ?? rule.record, customer: false });
  });

  it("every alert has summary, description, action, runbook_url and dashboard_url, and a known severity", () => {
    for (const rule of alerts(file)) {
      expect({ alert: rule.alert, annotations: Object.keys(rule.annotations ?? {}).sort() }).toEqual({
        alert: rule.alert,
        annotations: ["action", "dashboard_url", "description", "runbook_url", "summary"],
      });
      expect(["critical", "warning", "info", "none"]).toContain(rule.labels?.severity);
    }
  });

  it("no label is templated ($value in a label restarts the alert's `for` on every change)", () => {
    for (const rule of alerts(file)) for (const value of Object.values(rule.labels ?? {})) expect(value).not.toMatch(/\{\{|\$value/);
  });

  it("the absent-metrics alert waits at least 2 scrape intervals", () => {
    const absent = alerts(file).filter((rule) => /absent\(/.test(rule.expr));
    expect(absent.map((rule) => rule.alert)).toEqual(["BillingMetricsAbsent"]);
    for (const rule of absent) expect(parseDuration(rule.for!)!.seconds).toBeGreaterThanOrEqual(2 * SCRAPE_INTERVAL_SECONDS);
  });

  it("every runbook_url lands on a section of a file in docs/runbooks/", () => {
    for (const rule of alerts(file)) {
      const [, file_, anchor] = /\/docs\/runbooks\/([\w.-]+\.md)#([\w-]+)$/.exec(rule.annotations!.runbook_url) ?? [];
      const runbook = path.join(__dirname, "..", "..", "docs", "runbooks", file_ ?? "missing.md");
      const headings = fs.existsSync(runbook) ? [...fs.readFileSync(runbook, "utf8").matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim().toLowerCase()) : [];
      expect({ alert: rule.alert, file: file_, section: headings.includes(anchor) }).toEqual({ alert: rule.alert, file: file_, section: true });
    }
  });
});

describe("the PromQL checker", () => {
  const check = (expr: string) => checkPromQL(expr, { scrapeIntervalSeconds: 30, recorded: new Map([["namespace:x:ratio", ["namespace"]]]) });

  it("accepts well-formed uses of each type", () => {
    expect(check('sum by (namespace) (rate(rsolv_billing_payment_processed_total{namespace="a",status="failed"}[5m]))')).toEqual([]);
    expect(check("histogram_quantile(0.95, sum by (le) (rate(rsolv_billing_stripe_webhook_received_duration_seconds_bucket[5m])))")).toEqual([]);
    expect(check('absent(rsolv_billing_subscriptions_active{namespace="a"})')).toEqual([]);
    expect(check("namespace:x:ratio > 0.1")).toEqual([]);
  });

  it.each([
    ["a metric missing from the catalogue", "rate(rsolv_billing_refunds_total[5m])", "rsolv_billing_refunds_total is not in the metric catalogue nor recorded by a rule"],
    ["a label the metric lacks", 'rate(rsolv_billing_invoice_paid_total{status="x"}[5m])', "rsolv_billing_invoice_paid_total has no label status (it has: plan, namespace, pod, job, instance)"],
    ["rate() over a gauge", "rate(rsolv_billing_subscriptions_active[5m])", "gauge rsolv_billing_subscriptions_active is used inside rate()"],
    ["a bare counter", "rsolv_billing_invoice_paid_total > 3", "counter rsolv_billing_invoice_paid_total is used outside rate()/increase()/countIn"],
    ["histogram_quantile over a non-bucket", "histogram_quantile(0.9, rate(rsolv_billing_invoice_paid_total[5m]))", "histogram_quantile() over rsolv_billing_invoice_paid_total, which is not a histogram's _bucket series"],
    ["a window under 4 scrapes", "rate(rsolv_billing_invoice_paid_total[1m])", "rate() window [1m] is shorter than 120s (4× the scrape interval)"],
  ])("rejects %s", (_what, expr, problem) => {
    expect(check(expr)).toContain(problem);
  });

  it("rejects a syntax error", () => {
    expect(check("sum(rate(rsolv_billing_invoice_paid_total[5m])")).toEqual([expect.stringMatching(/^does not parse near "/)]);
  });
});
