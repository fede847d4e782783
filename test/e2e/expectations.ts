/**
 * What the e2e tests expect to receive, written from the operations write-up (the seed), not from the templates:
 * subject and recipients per severity. Plus helpers to read emails and notifications back per environment.
 */
import { alertRules, buildRuleGroups } from "../../alerts";
import type { BillingConfig } from "../../config";
import type { ReceivedEmail } from "../../tools/sandbox/smtp-sink";

/** The seed's subject per severity (Alertmanager prefixes `[RESOLVED] ` when an incident ends). */
const SUBJECTS: Record<string, (alert: string) => string> = {
  critical: (alert) => `🚨 CRITICAL BILLING ALERT: ${alert}`,
  warning: (alert) => `⚠️ BILLING WARNING: ${alert}`,
  info: (alert) => `ℹ️ Billing Info: ${alert}`,
};

/** The seed's recipients per severity. */
const RECIPIENTS: Record<string, string[]> = {
  critical: ["admin@rsolv.dev", "billing-oncall@rsolv.dev"],
  warning: ["admin@rsolv.dev", "alerts@rsolv.dev"],
  info: ["alerts@rsolv.dev"],
};

/** An environment that does not page (staging): every alert to alerts@ only, the environment in the subject. */
export function expectedNonPagingEmail(cfg: BillingConfig, environment: string, alert: string, status: "firing" | "resolved"): EmailSummary {
  const severity = severities(cfg).get(alert)!;
  return { subject: `${status === "resolved" ? "[RESOLVED] " : ""}[${environment}] ${severity.toUpperCase()} billing alert: ${alert}`, recipients: ["alerts@rsolv.dev"] };
}

export interface EmailSummary {
  readonly subject: string;
  readonly recipients: readonly string[];
}

/** Severity of each alert, as the rules deployed under this config label it. */
export function severities(cfg: BillingConfig): Map<string, string> {
  return new Map(alertRules(buildRuleGroups(cfg)).map((rule) => [rule.alert, rule.labels.severity]));
}

export function expectedEmail(cfg: BillingConfig, alert: string, status: "firing" | "resolved"): EmailSummary {
  const severity = severities(cfg).get(alert);
  if (!severity) throw new Error(`${alert} is not an alert of the rule file`);
  return seedEmail(severity, alert, status);
}

/** The seed's email for an alert of a severity, whatever rule (or test) it comes from. */
export function seedEmail(severity: string, alert: string, status: "firing" | "resolved"): EmailSummary {
  if (!SUBJECTS[severity]) throw new Error(`${alert}: severity ${severity} is not emailed`);
  return { subject: `${status === "resolved" ? "[RESOLVED] " : ""}${SUBJECTS[severity](alert)}`, recipients: RECIPIENTS[severity] };
}

/** The environment an email is about: the body's first line reads `FIRING: <alert> (<environment>)`. */
export function environmentOf(email: ReceivedEmail): string {
  const match = /^(?:FIRING|RESOLVED): \S+ \((\S+)\)/.exec(email.text);
  if (!match) throw new Error(`email "${email.subject}" has no environment line: ${email.text.slice(0, 200)}`);
  return match[1];
}

export function emailsOf(emails: readonly ReceivedEmail[], environment: string): EmailSummary[] {
  return emails.filter((email) => environmentOf(email) === environment).map((email) => ({ subject: email.subject, recipients: email.recipients }));
}

/** Sorted by subject, so lists compare exactly whatever order the emails arrived in. */
export function sorted(emails: readonly EmailSummary[]): EmailSummary[] {
  return [...emails].sort((a, b) => a.subject.localeCompare(b.subject));
}
