/**
 * The email templates, executed by Alertmanager 0.25's own template engine (`amtool template render`) with the
 * exact Subject, text and html values the deployed receivers carry, over notification data built from the deployed
 * rule file's alerts. `amtool check-config` does not execute a Subject header, so a broken one would only show as
 * empty emails in production; these renders are the check. Subjects are the operations write-up's.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import type { EmailConfig } from "../../../alerts/routing";
import { mountedAlertmanagerConfig, removeMounted, writeVariant, type MountedConfig } from "../../helpers/alertmanager-config";
import { checkConfig, renderTemplate } from "../../helpers/amtool";
import { alerts, deployedRuleFile, ruleFileOf, type RuleFileRule } from "../../helpers/rule-file";

const EXTERNAL_URL = "https://alertmanager.example.invalid";
const STARTS_AT = "2026-11-25T10:00:00Z";
const ENDS_AT = "2026-11-25T10:30:00Z";
/** Go's zero time: how Alertmanager marks a firing alert's end. */
const NOT_ENDED = "0001-01-01T00:00:00Z";

/** One sample alert per severity, and the write-up's subject for it. */
const CASES = [
  { severity: "critical", receiver: "billing-critical", alert: "BillingPaymentFailureRateCritical", subject: "\u{1F6A8} CRITICAL BILLING ALERT: BillingPaymentFailureRateCritical" },
  { severity: "warning", receiver: "billing-warning", alert: "BillingPaymentFailureRateHigh", subject: "\u26A0\uFE0F BILLING WARNING: BillingPaymentFailureRateHigh" },
  { severity: "info", receiver: "billing-info", alert: "BillingCreditGrantAnomalyDetected", subject: "\u2139\uFE0F Billing Info: BillingCreditGrantAnomalyDetected" },
] as const;

type Status = "firing" | "resolved";

/** Alertmanager's template.Data for a group of one alert, grouped by the deployed route's group_by. */
function notificationData(mounted: MountedConfig, receiver: string, rule: RuleFileRule, status: Status): object {
  const labels: Record<string, string> = { alertname: rule.alert!, ...rule.labels, namespace: "rsolv-production" };
  const groupLabels = Object.fromEntries(mounted.parsed.route.group_by!.filter((name) => name in labels).map((name) => [name, labels[name]]));
  return {
    receiver,
    status,
    alerts: [
      {
        status,
        labels,
        annotations: rule.annotations,
        startsAt: STARTS_AT,
        endsAt: status === "resolved" ? ENDS_AT : NOT_ENDED,
        generatorURL: "https://prometheus.example.invalid/graph",
        fingerprint: "0123456789abcdef",
      },
    ],
    groupLabels,
    commonLabels: labels,
    commonAnnotations: rule.annotations,
    externalURL: EXTERNAL_URL,
  };
}

describe("billing email templates, rendered by Alertmanager for the production stack", () => {
  let mounted: MountedConfig;
  let rules: RuleFileRule[];
  beforeAll(async () => {
    mounted = await mountedAlertmanagerConfig("production");
    rules = alerts(ruleFileOf(mounted.run).parsed);
  });
  afterAll(() => removeMounted(mounted));

  const email = (receiver: string): EmailConfig => mounted.parsed.receivers.find((r) => r.name === receiver)!.email_configs![0];
  const render = (receiver: string, alertName: string, status: Status, field: "Subject" | "text" | "html"): string => {
    const rule = rules.find((candidate) => candidate.alert === alertName)!;
    const dataFile = path.join(mounted.root, `data-${receiver}-${status}.json`);
    fs.writeFileSync(dataFile, JSON.stringify(notificationData(mounted, receiver, rule, status)));
    const text = field === "Subject" ? email(receiver).headers.Subject : email(receiver)[field]!;
    return renderTemplate(mounted.parsed.templates[0], text, dataFile, field === "html" ? "html" : "text");
  };

  describe.each(CASES)("a $severity alert ($alert)", ({ receiver, alert, subject }) => {
    it("GIVEN it fires WHEN the Subject header is rendered THEN it is the write-up's subject", () => {
      expect(render(receiver, alert, "firing", "Subject")).toBe(subject);
    });

    it("GIVEN it resolved WHEN the Subject header is rendered THEN it is the same subject marked resolved", () => {
      expect(render(receiver, alert, "resolved", "Subject")).toBe(`[RESOLVED] ${subject}`);
    });

    it.each(["firing", "resolved"] as const)("GIVEN it is %s WHEN the text body is rendered THEN it carries state, summary, description, first steps and both links", (status) => {
      const rule = rules.find((candidate) => candidate.alert === alert)!;
      const body = render(receiver, alert, status, "text");
      const state = status.toUpperCase();
      expect(body.split("\n")[0]).toBe(`${state}: ${alert} (production)`);
      const lines = body.split("\n");
      expect(lines).toEqual(
        expect.arrayContaining([
          `State:       ${state} (${status === "firing" ? "since 2026-11-25 10:00:00 +0000 UTC" : "resolved at 2026-11-25 10:30:00 +0000 UTC"})`,
          `Alert:       ${alert}`,
          `Severity:    ${rule.labels!.severity}`,
          "Environment: production",
          `Summary:     ${rule.annotations!.summary}`,
          `Runbook:   ${rule.annotations!.runbook_url}`,
          `Dashboard: ${rule.annotations!.dashboard_url}`,
          `Sent by Alertmanager: ${EXTERNAL_URL}`,
        ]),
      );
      expect(body).toContain(`\n${rule.annotations!.description}\n`);
      expect(body).toContain(`What to do first:\n${rule.annotations!.action}\n`);
    });

    it.each(["firing", "resolved"] as const)("GIVEN it is %s WHEN the html body is rendered THEN it carries state, summary and both links", (status) => {
      const rule = rules.find((candidate) => candidate.alert === alert)!;
      const body = render(receiver, alert, status, "html");
      expect(body).toContain(`<h2>${status.toUpperCase()}: ${alert} (production)</h2>`);
      expect(body).toContain(`<p><strong>${rule.annotations!.summary}</strong></p>`);
      expect(body).toContain(`<a href="${rule.annotations!.runbook_url}">Runbook</a>`);
      expect(body).toContain(`<a href="${rule.annotations!.dashboard_url}">Dashboard</a>`);
    });
  });

  it.each([
    ["firing", "[staging] CRITICAL billing alert: BillingPaymentFailureRateCritical"],
    ["resolved", "[RESOLVED] [staging] CRITICAL billing alert: BillingPaymentFailureRateCritical"],
  ] as const)("GIVEN a staging critical (%s) WHEN the non-paging receiver's Subject is rendered THEN it names staging, not a page", async (status, subject) => {
    const rule = alerts((await deployedRuleFile("staging")).parsed).find((candidate) => candidate.alert === "BillingPaymentFailureRateCritical")!;
    const dataFile = path.join(mounted.root, `data-staging-${status}.json`);
    fs.writeFileSync(dataFile, JSON.stringify(notificationData(mounted, "billing-non-paging", rule, status)));
    expect(renderTemplate(mounted.parsed.templates[0], email("billing-non-paging").headers.Subject, dataFile, "text")).toBe(subject);
  });

  it("GIVEN an alert with an unknown severity WHEN the catch-all's Subject is rendered THEN it still names the alert", () => {
    expect(render("billing-default", "BillingPaymentFailureRateHigh", "firing", "Subject")).toBe("Billing alert: BillingPaymentFailureRateHigh");
  });

  it("GIVEN a Subject naming a template that does not exist WHEN checked THEN check-config passes but rendering fails (why these renders exist)", () => {
    const broken = structuredClone(mounted.parsed);
    broken.receivers.find((r) => r.name === "billing-critical")!.email_configs![0].headers.Subject = '{{ template "billing.subject.critcal" . }}';
    expect(checkConfig(writeVariant(mounted, "broken-subject.yml", broken)).status).toBe(0);
    const dataFile = path.join(mounted.root, "data-broken.json");
    const critical = rules.find((candidate) => candidate.alert === "BillingPaymentFailureRateCritical")!;
    fs.writeFileSync(dataFile, JSON.stringify(notificationData(mounted, "billing-critical", critical, "firing")));
    expect(() => renderTemplate(broken.templates[0], '{{ template "billing.subject.critcal" . }}', dataFile, "text")).toThrow(/no such template|not defined/);
  });
});
