/**
 * Typed stack configuration: the only module that reads Pulumi config.
 *
 * {@link CONFIG_SCHEMA} lists every key with its meaning, default and check. {@link parseConfig} is pure: it takes
 * the raw strings Pulumi holds for a stack and returns a {@link BillingConfig}, or throws one {@link ConfigError}
 * listing every bad value at once. {@link loadConfig} is the thin Pulumi-facing wrapper.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { RE2JS } from "re2js";

import { SEVERITIES, type Severity } from "./alerts/types";
import { METRICS } from "./metrics";
import { type Duration, parseDuration } from "./duration";

export const PROJECT = "billing-monitoring";

/** The stacks this project ships settings for. Other stack names work too, with every default derived from the name. */
export const KNOWN_STACKS = ["staging", "production"] as const;

/** The environment the stricter image rules (digest pinning, promotion gate) apply to. */
export const PRODUCTION = "production";

/** What a check returns: the value, or why the raw text is not allowed. */
type Check<T> = { ok: T } | { problem: string };

interface FieldSpec<T> {
  /** Meaning and unit, for the README's config reference. */
  readonly doc: string;
  readonly check: (raw: string) => Check<T>;
  /** Used when the key is unset; a function derives it from the stack name. Absent: the key is required. */
  readonly default?: T | ((stack: string) => T);
  /** Shown in the config reference instead of the default value. */
  readonly defaultText?: string | ((stack: string) => string);
  /** Only set with `pulumi config set --secret`; its value is never echoed. */
  readonly secret?: boolean;
  /** May be left unset even without a default (the feature it drives is then off). */
  readonly optional?: boolean;
}

/** A schema entry, its type kept as written (so `secret: true` marks the key's type too). */
function field<T, const S extends FieldSpec<T>>(spec: S & FieldSpec<T>): S {
  return spec;
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks. Each returns the parsed value or a sentence saying what is allowed.

const ok = <T>(value: T): Check<T> => ({ ok: value });
const problem = (text: string): Check<never> => ({ problem: text });

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** OCI distribution spec: registry host (optionally with port) and lowercase path components. */
const IMAGE_REPOSITORY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** In Alertmanager's order: its weeks start on Sunday, and it refuses a range that runs backwards in it (monday:sunday). */
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

function dnsLabel(raw: string): Check<string> {
  return DNS_LABEL.test(raw) ? ok(raw) : problem("must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit");
}

function objectName(raw: string): Check<string> {
  return DNS_SUBDOMAIN.test(raw) ? ok(raw) : problem("must be a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters");
}

function text(raw: string): Check<string> {
  return raw.trim() === raw && raw.length > 0 ? ok(raw) : problem("must be non-empty text without surrounding spaces");
}

function email(raw: string): Check<string> {
  return EMAIL.test(raw) ? ok(raw) : problem("must be an email address like name@example.com");
}

function ratio(raw: string): Check<number> {
  const value = Number(raw);
  return raw.trim() !== "" && Number.isFinite(value) && value > 0 && value < 1
    ? ok(value)
    : problem("must be a ratio greater than 0 and less than 1 (0.1 means 10 %)");
}

/**
 * A regular expression as Prometheus reads a `=~` matcher: RE2 syntax (Go's regexp), anchored at both ends. Checked
 * with RE2JS, a port of RE2, since JavaScript's own differs both ways (it takes lookaheads and backreferences, which
 * RE2 refuses, and refuses `(?i)` and `(?P<name>…)`, which RE2 takes).
 */
function routePattern(raw: string): Check<string> {
  if (raw.trim() === "") return problem("must be a regular expression matching route patterns");
  try {
    RE2JS.compile(`^(?:${raw})$`);
  } catch (error) {
    return problem(`must be a regular expression as Prometheus reads it (RE2): ${(error as Error).message}`);
  }
  return ok(raw);
}

function positiveNumber(raw: string): Check<number> {
  const value = Number(raw);
  return raw.trim() !== "" && Number.isFinite(value) && value > 0 ? ok(value) : problem("must be a number greater than 0");
}

function wholeNumber(min: number, max: number) {
  return (raw: string): Check<number> => {
    const value = Number(raw);
    return /^\d+$/.test(raw) && value >= min && value <= max ? ok(value) : problem(`must be a whole number from ${min} to ${max}`);
  };
}

function durationCheck(raw: string): Check<Duration> {
  const parsed = parseDuration(raw);
  if (parsed && parsed.seconds <= 0) return problem("must be greater than zero: a Prometheus duration such as 30s, 15m, 1h30m or 6h");
  return parsed ? ok(parsed) : problem("must be a Prometheus duration such as 30s, 15m, 1h30m or 6h");
}

function bool(raw: string): Check<boolean> {
  return raw === "true" ? ok(true) : raw === "false" ? ok(false) : problem("must be true or false");
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: string): Check<T> => (allowed.includes(raw as T) ? ok(raw as T) : problem(`must be one of: ${allowed.join(", ")}`));
}

function url(raw: string): Check<string> {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return problem("must be an http:// or https:// URL");
  }
  if ((parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.hostname === "") return problem("must be an http:// or https:// URL");
  return ok(raw.replace(/\/+$/, ""));
}

/**
 * A base URL others are built on (Grafana's, the runbooks'): every alert's links and the stack outputs repeat it,
 * so it may carry no credentials, and no query or fragment that the appended path would land behind.
 */
function baseUrl(raw: string): Check<string> {
  const checked = url(raw);
  if ("problem" in checked) return checked;
  const parsed = new URL(raw);
  if (parsed.username || parsed.password) return problem("must not carry a user or password: it is copied into every alert's links and the stack outputs; give Grafana's credentials as grafanaToken");
  if (parsed.search || parsed.hash || raw.includes("?") || raw.includes("#")) return problem("must not have a query (?…) or fragment (#…): paths are appended to it");
  return checked;
}

function hostPort(raw: string): Check<string> {
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  return match && Number(match[2]) >= 1 && Number(match[2]) <= 65535 ? ok(raw) : problem("must be host:port, e.g. smtp.postmarkapp.com:587");
}

/**
 * A time zone as Alertmanager (Go's time.LoadLocation) resolves it: a file of the zone database, so the name is
 * case-sensitive. JavaScript's Intl accepts any case; it gives the canonical spelling, which names the mistake.
 */
const ZONEINFO = "/usr/share/zoneinfo";

function timezone(raw: string): Check<string> {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: raw }).resolvedOptions().timeZone;
  } catch {
    return problem("must be an IANA time zone such as UTC or Europe/Berlin");
  }
  if (!raw.includes("/") && raw !== "UTC") return problem("must be an IANA time zone such as UTC or Europe/Berlin");
  if (canonical !== raw && canonical.toLowerCase() === raw.toLowerCase()) return problem(`must be spelt as the zone database spells it: ${canonical} (Alertmanager's zone names are case-sensitive)`);
  // A link such as US/Pacific resolves to another canonical name; where the zone database is at hand, it decides.
  if (canonical !== raw && fs.existsSync(ZONEINFO) && !fs.existsSync(path.join(ZONEINFO, raw))) return problem(`is not in the zone database (did you mean ${canonical}?)`);
  return ok(raw);
}

function clock(raw: string): Check<string> {
  return CLOCK.test(raw) ? ok(raw) : problem("must be a time of day as HH:MM (24 h), e.g. 09:00");
}

/** An end of day: like {@link clock}, plus 24:00 (Alertmanager's end of the day), so hours can run to midnight. */
function clockEnd(raw: string): Check<string> {
  return raw === "24:00" || CLOCK.test(raw) ? ok(raw) : problem("must be a time of day as HH:MM (24 h), e.g. 17:00, or 24:00 for midnight");
}

function weekdayRange(raw: string): Check<string> {
  const parts = raw.split(":");
  const valid = parts.length <= 2 && parts.every((day) => WEEKDAYS.includes(day)) && (parts.length === 1 || WEEKDAYS.indexOf(parts[0]) <= WEEKDAYS.indexOf(parts[1]));
  return valid ? ok(raw) : problem(`must be a weekday or an inclusive range of them such as monday:friday, in this order (Alertmanager\'s week): ${WEEKDAYS.join(", ")}`);
}

function imageRepository(raw: string): Check<string> {
  return IMAGE_REPOSITORY.test(raw) && raw.length <= 255 ? ok(raw) : problem("must be an image repository such as ghcr.io/rsolv-dev/rsolv-platform (lowercase path, no tag or digest)");
}

function imageTag(raw: string): Check<string> {
  return IMAGE_TAG.test(raw) ? ok(raw) : problem("must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'");
}

/** A Pulumi stack reference name: `organization/project/stack` (the DIY backends use the literal `organization`). */
function stackReference(raw: string): Check<string> {
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(raw) ? ok(raw) : problem("must be a fully qualified stack name organization/project/stack, e.g. rsolv-dev/billing-monitoring/staging");
}

/** A list of DNS labels, as JSON or comma-separated. */
function dnsLabelList(raw: string): Check<string[]> {
  const items = listItems(raw);
  if (!items || items.length === 0) return problem("must be a non-empty list of environment names");
  const bad = items.filter((item) => typeof item !== "string" || "problem" in dnsLabel(item));
  return bad.length > 0 ? problem(`${bad.map((item) => JSON.stringify(item)).join(", ")}: each must be an environment name (lowercase letters, digits and '-')`) : ok(items as string[]);
}

function stackReferenceList(raw: string): Check<string[]> {
  const items = listItems(raw);
  if (!items) return problem("must be a list of stacks, each organization/project/stack");
  const bad = items.filter((item) => typeof item !== "string" || "problem" in stackReference(item));
  return bad.length > 0 ? problem(`${bad.map((item) => JSON.stringify(item)).join(", ")}: each must be organization/project/stack`) : ok(items as string[]);
}

function listItems(raw: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return raw.split(",").map((item) => item.trim());
  }
}

function imageDigest(raw: string): Check<string> {
  return IMAGE_DIGEST.test(raw) ? ok(raw) : problem("must be an image digest: sha256: followed by 64 lowercase hex digits");
}

/**
 * A JSON object whose keys are severities (plus `default` where `withDefault`), each checked by `value`. A key left
 * out keeps its default, so `pulumi config set --path 'emailRecipients.critical[0]' …` changes only critical.
 */
function perSeverity<T>(value: (raw: string) => Check<T>, withDefault: boolean, defaults: Readonly<Record<string, T>>) {
  const allowedKeys: string[] = [...SEVERITIES, ...(withDefault ? ["default"] : [])];
  return (raw: string): Check<Record<string, T>> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return problem(`must be an object with the keys ${allowedKeys.join(", ")}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return problem(`must be an object with the keys ${allowedKeys.join(", ")}`);
    const result: Record<string, T> = {};
    const problems: string[] = [];
    for (const [key, item] of Object.entries(parsed)) {
      if (!allowedKeys.includes(key)) {
        problems.push(`"${key}" is not a severity; allowed: ${allowedKeys.join(", ")}`);
        continue;
      }
      const checked = value(typeof item === "string" ? item : JSON.stringify(item));
      if ("problem" in checked) problems.push(`${key}: ${checked.problem}`);
      else result[key] = checked.ok;
    }
    for (const key of allowedKeys) if (!(key in parsed)) result[key] = defaults[key];
    return problems.length > 0 ? problem(problems.join("; ")) : ok(result);
  };
}

function emailList(raw: string): Check<string[]> {
  let items: unknown = raw;
  try {
    items = JSON.parse(raw);
  } catch {
    items = raw.split(",").map((item) => item.trim());
  }
  if (!Array.isArray(items) || items.length === 0) return problem("must be a non-empty list of email addresses");
  const bad = items.filter((item) => typeof item !== "string" || !EMAIL.test(item));
  if (bad.length > 0) return problem(`${bad.map((item) => JSON.stringify(item)).join(", ")} ${bad.length === 1 ? "is not an email address" : "are not email addresses"}`);
  return ok(items as string[]);
}

// ---------------------------------------------------------------------------------------------------------------------
// The schema: every key the program reads.

const DEFAULT_RECIPIENTS: Readonly<Record<Severity | "default", string[]>> = {
  critical: ["admin@rsolv.dev", "billing-oncall@rsolv.dev"],
  warning: ["admin@rsolv.dev", "alerts@rsolv.dev"],
  info: ["alerts@rsolv.dev"],
  default: ["admin@rsolv.dev"],
};
const DEFAULT_REPEAT_INTERVALS: Readonly<Record<Severity, Duration>> = { critical: parseDuration("2h")!, warning: parseDuration("4h")!, info: parseDuration("12h")! };

const perStackName = (production: string, other: (stack: string) => string) => (stack: string) =>
  stack === "production" ? production : other(stack);

export const CONFIG_SCHEMA = {
  environment: field({ doc: "Environment name put on every alert as the `environment` label.", check: dnsLabel, default: (stack) => stack, defaultText: "the stack name" }),
  kubeContext: field({ doc: "kubeconfig context to deploy into. Unset: the current context.", check: text, optional: true }),

  appNamespace: field({ doc: "Namespace of the billing app; alerts and panels select its series by it.", check: dnsLabel, default: (stack) => `rsolv-${stack}` }),
  appDeployment: field({ doc: "The app's existing Deployment, whose container image the stack sets.", check: objectName, default: perStackName("rsolv-platform", (stack) => `${stack}-rsolv-platform`) }),
  appContainer: field({ doc: "Name of the app container inside that Deployment.", check: dnsLabel, default: "rsolv-platform" }),
  imageRepository: field({ doc: "Image repository of the app.", check: imageRepository, default: "ghcr.io/rsolv-dev/rsolv-platform" }),
  imageTag: field({ doc: "Image tag to run. Set this, `imageDigest`, or both (the digest then pins the tag). `latest` is refused.", check: imageTag, optional: true }),
  imageDigest: field({ doc: "Image digest to run (`sha256:…`).", check: imageDigest, optional: true }),
  allowMutableTag: field({ doc: "With environment `production`: accept `imageTag` without `imageDigest`. A tag can be pushed again to point at another image after staging ran it; a digest cannot.", check: bool, default: false }),
  rolloutTimeout: field({ doc: "How long `pulumi up` waits for a patched Deployment (app, Prometheus, Alertmanager) to have all new pods ready before failing the update.", check: durationCheck, default: parseDuration("10m")! }),
  promotionSourceStack: field({ doc: "Promotion gate: the stack (organization/project/stack) whose exported `image` this stack must run. Required with environment `production`. Unset elsewhere: no gate.", check: stackReference, optional: true }),
  skipPromotionGate: field({ doc: "Emergency override: deploy an image the source stack has not run, without reading that stack. Set for one `pulumi up`, then remove.", check: bool, default: false }),

  monitoringNamespace: field({ doc: "Namespace where Prometheus and Alertmanager run.", check: dnsLabel, default: "monitoring" }),
  rulesConfigMap: field({ doc: "ConfigMap holding the billing rule file; the stack owns it whole (never a shared one).", check: objectName, default: (stack) => `prometheus-billing-rules-${stack}` }),
  prometheusRule: field({ doc: "Also declare the rules as a prometheus-operator `PrometheusRule`.", check: bool, default: false }),
  alertmanagerOwner: field({
    doc: "This stack writes the shared Alertmanager's configuration (ConfigMap, credentials Secret, restart) and routes the alerts of every environment; the other stacks write none. One stack per Alertmanager.",
    check: bool,
    default: (stack) => stack === "production",
    defaultText: "true in production, else false",
  }),
  pagingEnvironments: field({ doc: "With alertmanagerOwner: environments whose alerts take the severity routes (critical pages); any other environment's alerts go to nonPagingRecipients. Each must be this stack's environment or that of a routed stack (read from its outputs), so a misspelling cannot silence the pages.", check: dnsLabelList, default: ["production"] }),
  nonPagingRecipients: field({ doc: "With alertmanagerOwner: who gets every alert of an environment that does not page (staging), whatever its severity; never a paging receiver.", check: emailList, default: ["alerts@rsolv.dev"] }),
  nonPagingRepeatInterval: field({ doc: "With alertmanagerOwner: how often a still-firing alert of an environment that does not page is sent again.", check: durationCheck, default: parseDuration("24h")! }),
  routedStacks: field({
    doc: "With alertmanagerOwner: the other stacks (organization/project/stack) whose alerts this configuration routes; each is checked not to write the Alertmanager's configuration too. Unset: promotionSourceStack (none with skipPromotionGate).",
    check: stackReferenceList,
    optional: true,
  }),
  alertmanagerConfigMap: field({ doc: "ConfigMap holding the Alertmanager configuration and its templates (no credentials).", check: objectName, default: (stack) => `alertmanager-billing-${stack}` }),
  alertmanagerSecret: field({ doc: "Secret holding the Alertmanager credentials (SMTP password, receiver keys).", check: objectName, default: (stack) => `alertmanager-billing-${stack}-credentials` }),
  alertmanagerConfigPath: field({ doc: "Directory where Alertmanager mounts the configuration ConfigMap (a directory mount, never subPath).", check: text, default: "/etc/alertmanager/billing" }),
  alertmanagerSecretPath: field({ doc: "Directory where Alertmanager mounts the credentials Secret.", check: text, default: "/etc/alertmanager/secrets/billing" }),
  prometheusDeployment: field({ doc: "Prometheus' existing Deployment in the monitoring namespace; a pod-template annotation with the rule file's hash restarts it when the rules change.", check: objectName, default: "prometheus" }),
  alertmanagerDeployment: field({ doc: "Alertmanager's existing Deployment in the monitoring namespace; a pod-template annotation with its files' hash restarts it when they change.", check: objectName, default: "alertmanager" }),
  scrapeInterval: field({ doc: "Prometheus' scrape interval for the app; rate windows must be at least 4× this.", check: durationCheck, default: parseDuration("30s")! }),
  ruleEvaluationInterval: field({ doc: "Evaluation interval of the billing rule groups.", check: durationCheck, default: parseDuration("1m")! }),

  emailRecipients: field({
    doc: "Email recipients per severity, as an object with the keys critical, warning, info and default (anything unmatched); a key left out keeps its default.",
    check: perSeverity(emailList, true, DEFAULT_RECIPIENTS),
    default: DEFAULT_RECIPIENTS,
  }),
  repeatIntervals: field({
    doc: "How often a still-firing alert is sent again, per severity (object with the keys critical, warning, info); a key left out keeps its default.",
    check: perSeverity(durationCheck, false, DEFAULT_REPEAT_INTERVALS),
    default: DEFAULT_REPEAT_INTERVALS,
  }),
  groupWait: field({ doc: "How long Alertmanager waits to batch the first notification of a group.", check: durationCheck, default: parseDuration("30s")! }),
  groupInterval: field({ doc: "How long Alertmanager waits before notifying about new alerts in a group it already notified.", check: durationCheck, default: parseDuration("5m")! }),
  emailFrom: field({ doc: "Sender address of alert emails (a Postmark sender signature).", check: email, default: "alerts@rsolv.dev" }),
  smtpSmarthost: field({ doc: "Postmark SMTP host:port; STARTTLS is required on it.", check: hostPort, default: "smtp.postmarkapp.com:587" }),
  smtpLogin: field({
    doc: "`smtp-token`: a per-stream SMTP token (access key `smtpUsername` in the config, secret key `smtpPassword` in a Secret file). `server-token`: the server API token `smtpPassword` as both username and password, so the whole configuration goes into the Secret.",
    check: oneOf(["smtp-token", "server-token"] as const),
    default: "smtp-token" as const,
  }),
  smtpUsername: field({ doc: "Postmark SMTP token access key (with smtpLogin smtp-token). Not a secret: Alertmanager shows it on its status page.", check: text, optional: true, defaultText: "**required** with smtp-token" }),
  smtpPassword: field({ doc: "Postmark SMTP token secret key, or the server API token (with smtpLogin server-token). Only the Alertmanager configuration's owner sends email.", check: text, secret: true, optional: true, defaultText: "**required** with alertmanagerOwner" }),
  postmarkMessageStream: field({ doc: "Postmark message stream, sent as the X-PM-Message-Stream header.", check: text, default: "outbound" }),
  businessHoursTimezone: field({ doc: "Time zone of business hours (IANA name).", check: timezone, default: "UTC" }),
  businessHoursStart: field({ doc: "Start of business hours, HH:MM.", check: clock, default: "09:00" }),
  businessHoursEnd: field({ doc: "End of business hours, HH:MM (exclusive); 24:00 is midnight.", check: clockEnd, default: "17:00" }),
  businessDays: field({ doc: "Business days, a weekday or a range such as monday:friday.", check: weekdayRange, default: "monday:friday" }),
  slackWebhookUrl: field({ doc: "Slack incoming-webhook URL. Set: warnings also go to Slack.", check: url, secret: true, optional: true }),
  slackChannel: field({ doc: "Slack channel for warnings.", check: text, default: "#billing-alerts" }),
  pagerdutyRoutingKey: field({ doc: "PagerDuty Events API v2 routing key. Set: critical alerts also page through PagerDuty.", check: text, secret: true, optional: true }),
  heartbeatUrl: field({ doc: "Dead man's switch URL the Watchdog alert is posted to. Unset: the Watchdog goes to a receiver that sends nothing.", check: url, secret: true, optional: true }),
  heartbeatRepeatInterval: field({ doc: "How often the Watchdog heartbeat is sent.", check: durationCheck, default: parseDuration("5m")! }),
  runbookBaseUrl: field({ doc: "Where `docs/runbooks/` is published; each alert's runbook_url points into it.", check: baseUrl, default: "https://github.com/rsolv-dev/billing-monitoring/blob/main/docs/runbooks" }),

  grafanaUrl: field({ doc: "Grafana base URL: the dashboards, and every alert's dashboard link, are under it. No user, password, query or fragment.", check: baseUrl, default: "https://grafana.rsolv.dev" }),
  grafanaToken: field({ doc: "Grafana service account token.", check: text, secret: true }),
  grafanaFolder: field({ doc: "Grafana folder holding the billing dashboards.", check: text, default: perStackName("Billing", (stack) => `Billing (${stack})`) }),
  dashboardUid: field({ doc: "Stable uid of the billing dashboard (links and alerts point at it).", check: (raw) => (/^[A-Za-z0-9_-]{1,40}$/.test(raw) ? ok(raw) : problem("must be 1 to 40 letters, digits, '_' or '-'")), default: perStackName("billing-metrics", (stack) => `billing-metrics-${stack}`) }),

  rateWindow: field({ doc: "Window of the payment and webhook rates, ratios and quantiles.", check: durationCheck, default: parseDuration("5m")! }),
  minEventsPerWindow: field({ doc: "Low-traffic guard: a ratio alert needs at least this many events in its window, or minFailuresPerWindow failures.", check: wholeNumber(1, 1_000_000), default: 10 }),
  minFailuresPerWindow: field({ doc: "Low-traffic guard, second way through: a ratio alert also fires on fewer events than minEventsPerWindow when its window holds at least this many failures (a total outage at low volume).", check: wholeNumber(1, 1_000_000), default: 5 }),
  paymentFailureWarningRatio: field({ doc: "Payment failure ratio above which BillingPaymentFailureRateHigh fires.", check: ratio, default: 0.1 }),
  paymentFailureWarningFor: field({ doc: "How long the payment failure ratio must stay above paymentFailureWarningRatio before BillingPaymentFailureRateHigh fires.", check: durationCheck, default: parseDuration("15m")! }),
  paymentFailureCriticalRatio: field({ doc: "Payment failure ratio above which BillingPaymentFailureRateCritical fires.", check: ratio, default: 0.25 }),
  paymentFailureCriticalFor: field({ doc: "How long the payment failure ratio must stay above paymentFailureCriticalRatio before BillingPaymentFailureRateCritical pages.", check: durationCheck, default: parseDuration("10m")! }),
  webhookFailureRatio: field({ doc: "Stripe webhook failure ratio above which StripeWebhookFailureRateHigh fires.", check: ratio, default: 0.1 }),
  webhookFailureFor: field({ doc: "How long the webhook failure ratio must stay above webhookFailureRatio before StripeWebhookFailureRateHigh fires.", check: durationCheck, default: parseDuration("15m")! }),
  webhookDurationP95Seconds: field({ doc: "p95 webhook processing time, in seconds, above which StripeWebhookProcessingDurationHigh fires.", check: positiveNumber, default: 1 }),
  webhookDurationFor: field({ doc: "How long the p95 must stay above it.", check: durationCheck, default: parseDuration("20m")! }),
  webhookStalledWindow: field({ doc: "StripeWebhooksStalled fires when no webhook arrived in this window (notified in business hours only).", check: durationCheck, default: parseDuration("6h")! }),
  webhookStalledFor: field({ doc: "How long the stall must last before the alert fires.", check: durationCheck, default: parseDuration("15m")! }),
  cancellationRatio: field({ doc: "Cancellations as a fraction of creations above which SubscriptionCancellationRateHigh fires.", check: ratio, default: 0.1 }),
  cancellationWindow: field({ doc: "Window over which cancellations and creations are counted.", check: durationCheck, default: parseDuration("1h")! }),
  cancellationFor: field({ doc: "How long the ratio must stay above the threshold.", check: durationCheck, default: parseDuration("1h")! }),
  creditGrantP99Threshold: field({ doc: "p99 of credits per grant above which BillingCreditGrantAnomalyDetected fires.", check: positiveNumber, default: 1000 }),
  creditGrantWindow: field({ doc: "Window of the credit grant quantile.", check: durationCheck, default: parseDuration("1h")! }),
  creditGrantFor: field({ doc: "How long the p99 must stay above the threshold.", check: durationCheck, default: parseDuration("5m")! }),
  metricsAbsentFor: field({ doc: "How long the app's billing metrics may be missing before BillingMetricsAbsent fires.", check: durationCheck, default: parseDuration("10m")! }),

  sloPeriod: field({ doc: "SLO: the period each objective and its error budget are measured over; the burn-rate windows scale with it (1h, 6h, … at 30d).", check: durationCheck, default: parseDuration("30d")! }),
  sloAlerts: field({ doc: "Declare the SLO burn-rate alerts (false: the SLO recording rules and dashboard row stay, no page or ticket).", check: bool, default: true }),
  paymentSuccessObjective: field({ doc: "SLO: the share of payments that succeed, over 30 days (the seed's baseline: above 95 %).", check: ratio, default: 0.95 }),
  webhookLatencyObjective: field({ doc: "SLO: the share of Stripe webhooks processed within webhookLatencyThresholdSeconds, over 30 days.", check: ratio, default: 0.95 }),
  webhookLatencyThresholdSeconds: field({ doc: "SLO: a webhook processed within this many seconds is good (the seed's baseline: p95 under 1 s).", check: positiveNumber, default: 1 }),
  apiLatencyObjective: field({ doc: "SLO: the share of billing API requests answered within apiLatencyThresholdSeconds, over 30 days.", check: ratio, default: 0.95 }),
  apiLatencyThresholdSeconds: field({ doc: "SLO: a billing API request answered within this many seconds is good (the seed's baseline: p95 under 200 ms).", check: positiveNumber, default: 0.2 }),
  apiLatencyRoutes: field({ doc: "SLO: the Phoenix route patterns (PromEx's `path` label, e.g. /api/v1/billing/:id) that are billing endpoints, as a Prometheus regular expression matched whole.", check: routePattern, default: "/api/v1/billing.*" }),
};

export type ConfigKey = keyof typeof CONFIG_SCHEMA;
type ValueOf<K extends ConfigKey> = (typeof CONFIG_SCHEMA)[K] extends FieldSpec<infer T> ? T : never;
type RawValues = { [K in ConfigKey]: ValueOf<K> | undefined };

/** Keys whose values are secrets. */
export const SECRET_KEYS = (Object.keys(CONFIG_SCHEMA) as ConfigKey[]).filter((key) => (CONFIG_SCHEMA[key] as FieldSpec<unknown>).secret);
export type SecretKey = { [K in ConfigKey]: (typeof CONFIG_SCHEMA)[K] extends { readonly secret: true } ? K : never }[ConfigKey];

// ---------------------------------------------------------------------------------------------------------------------
// The typed result.

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** What goes into the container spec: `repo:tag`, `repo@digest` or `repo:tag@digest`. */
  readonly reference: string;
}

export interface BillingConfig {
  readonly stack: string;
  readonly environment: string;
  readonly kubeContext?: string;
  readonly app: {
    readonly namespace: string;
    readonly deployment: string;
    readonly container: string;
    readonly image: ImageRef;
    /** How long a rollout may take before `pulumi up` fails. */
    readonly rolloutTimeout: Duration;
  };
  /** Set when this stack may only run an image another stack exports. */
  readonly promotion?: {
    /** organization/project/stack of the stack whose `image` output is compared. */
    readonly sourceStack: string;
    /** The emergency override: the source stack is not read. */
    readonly skip: boolean;
  };
  readonly monitoring: {
    readonly namespace: string;
    readonly rulesConfigMap: string;
    readonly prometheusRule: boolean;
    readonly alertmanagerConfigMap: string;
    readonly alertmanagerSecret: string;
    readonly alertmanagerConfigPath: string;
    readonly alertmanagerSecretPath: string;
    readonly prometheusDeployment: string;
    readonly alertmanagerDeployment: string;
    readonly scrapeInterval: Duration;
    readonly ruleEvaluationInterval: Duration;
  };
  readonly alerting: {
    /** Set when this stack writes the shared Alertmanager's configuration. */
    readonly owner?: {
      readonly pagingEnvironments: readonly string[];
      readonly nonPagingRecipients: readonly string[];
      readonly nonPagingRepeatInterval: Duration;
      /** Stacks whose alerts it routes, each checked not to own the configuration too. */
      readonly routedStacks: readonly string[];
    };
    readonly recipients: Readonly<Record<Severity | "default", readonly string[]>>;
    readonly repeatIntervals: Readonly<Record<Severity, Duration>>;
    readonly groupWait: Duration;
    readonly groupInterval: Duration;
    readonly emailFrom: string;
    readonly smtpSmarthost: string;
    readonly smtpLogin: "smtp-token" | "server-token";
    /** The access key; only with smtpLogin smtp-token. */
    readonly smtpUsername?: string;
    readonly postmarkMessageStream: string;
    readonly businessHours: { readonly timezone: string; readonly start: string; readonly end: string; readonly days: string };
    readonly slack?: { readonly channel: string };
    readonly pagerduty: boolean;
    readonly heartbeat: boolean;
    readonly heartbeatRepeatInterval: Duration;
    readonly runbookBaseUrl: string;
  };
  readonly grafana: {
    readonly url: string;
    readonly folder: string;
    readonly dashboardUid: string;
  };
  readonly thresholds: {
    readonly rateWindow: Duration;
    readonly minEventsPerWindow: number;
    readonly minFailuresPerWindow: number;
    readonly paymentFailureWarning: { readonly ratio: number; readonly for: Duration };
    readonly paymentFailureCritical: { readonly ratio: number; readonly for: Duration };
    readonly webhookFailure: { readonly ratio: number; readonly for: Duration };
    readonly webhookDuration: { readonly p95Seconds: number; readonly for: Duration };
    readonly webhookStalled: { readonly window: Duration; readonly for: Duration };
    readonly cancellation: { readonly ratio: number; readonly window: Duration; readonly for: Duration };
    readonly creditGrant: { readonly p99: number; readonly window: Duration; readonly for: Duration };
    readonly metricsAbsentFor: Duration;
  };
  /** Service level objectives, each over `period` (the burn-rate table in alerts/slo.ts). */
  readonly slos: {
    readonly period: Duration;
    readonly alerts: boolean;
    readonly paymentSuccess: { readonly objective: number };
    readonly webhookLatency: { readonly objective: number; readonly thresholdSeconds: number };
    readonly apiLatency: { readonly objective: number; readonly thresholdSeconds: number; readonly routes: string };
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing.

/** Every problem found in a stack's config, reported together. */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Stack "${stack}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was deployed:\n` +
        problems.map((line) => `  - ${line}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The raw config of one stack as Pulumi holds it: key (without project prefix) → string, and which keys are secret. */
export interface RawConfig {
  readonly stack: string;
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
  /** Config keys of other namespaces (`namespace:key`), checked for a misspelt project prefix. */
  readonly otherKeys?: readonly string[];
}

/** Namespaces whose keys are the providers' and Pulumi's own, never a misspelling of ours. */
const PROVIDER_NAMESPACES = new Set(["pulumi", "kubernetes", "grafana"]);

function describeValue(key: ConfigKey, raw: string): string {
  if ((CONFIG_SCHEMA[key] as FieldSpec<unknown>).secret) return "(secret value not shown)";
  // Objects and lists (structured config) read best as they are; plain values are quoted.
  const structured = ((): boolean => {
    try {
      return /^[[{]/.test(raw) && typeof JSON.parse(raw) === "object";
    } catch {
      return false;
    }
  })();
  return structured ? raw : JSON.stringify(raw);
}

function setSecretCommand(key: string, stack: string): string {
  return `pulumi config set --secret ${key} <value> --stack ${stack}`;
}

/** Nearest schema key to a misspelt one (edit distance ≤ 3), for "did you mean". */
function nearestKey(unknown: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  const ranked = Object.keys(CONFIG_SCHEMA)
    .map((key) => ({ key, d: distance(unknown, key) }))
    .sort((a, b) => a.d - b.d);
  return ranked[0] && ranked[0].d <= 3 ? ranked[0].key : undefined;
}

function readValues(raw: RawConfig, problems: string[]): RawValues {
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const full of raw.otherKeys ?? []) {
    const [namespace, key] = [full.slice(0, full.indexOf(":")), full.slice(full.indexOf(":") + 1)];
    // A key of ours under another namespace is read by nobody: the setting silently keeps its default.
    if (!PROVIDER_NAMESPACES.has(namespace) && key in CONFIG_SCHEMA) {
      problems.push(`${full} is not read: this project is ${PROJECT}, so the setting would silently keep its default (did you mean ${PROJECT}:${key}?)`);
    }
  }
  for (const key of Object.keys(raw.values)) {
    if (!(key in CONFIG_SCHEMA)) {
      const near = nearestKey(key);
      problems.push(`${PROJECT}:${key} is not a setting of this project${near ? ` (did you mean ${near}?)` : ""}; see the config reference in README.md`);
    }
  }
  for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) {
    const spec = CONFIG_SCHEMA[key] as FieldSpec<unknown>;
    const text = raw.values[key];
    const name = `${PROJECT}:${key}`;
    if (text === undefined) {
      if (spec.default !== undefined) values[key] = typeof spec.default === "function" ? (spec.default as (stack: string) => unknown)(raw.stack) : spec.default;
      else if (!spec.optional) problems.push(spec.secret ? `${name} is required and not set; run: ${setSecretCommand(key, raw.stack)}` : `${name} is required and not set; run: pulumi config set ${key} <value> --stack ${raw.stack}`);
      continue;
    }
    if (spec.secret && !raw.secretKeys.has(key)) {
      problems.push(`${name} is a secret but is stored in plain text in Pulumi.${raw.stack}.yaml; remove it there and run: ${setSecretCommand(key, raw.stack)}`);
      continue;
    }
    const checked = spec.check(text);
    if ("problem" in checked) problems.push(`${name}: ${describeValue(key, text)} is not allowed: ${checked.problem}`);
    else values[key] = checked.ok;
  }
  return values as RawValues;
}

function imageRef(v: RawValues, raw: RawConfig, problems: string[]): ImageRef {
  const { stack } = raw;
  const repository = v.imageRepository ?? "";
  const { imageTag: tag, imageDigest: digest } = v;
  // A value that was set but refused is reported by its own check already.
  if (raw.values.imageTag === undefined && raw.values.imageDigest === undefined) {
    problems.push(`${PROJECT}:imageTag or ${PROJECT}:imageDigest must be set; run: pulumi config set imageTag <tag> --stack ${stack}`);
  }
  if (tag?.toLowerCase() === "latest") {
    problems.push(`${PROJECT}:imageTag: "${tag}" is not allowed: it names no fixed image, so a rollout could not be reproduced or rolled back; use a version tag or imageDigest`);
  }
  if (tag && !digest && v.environment === PRODUCTION && v.allowMutableTag === false) {
    problems.push(
      `${PROJECT}:imageTag: "${tag}" without ${PROJECT}:imageDigest is not allowed in production: a tag can be moved to another image after staging ran it; pin it with: pulumi config set imageDigest sha256:<digest> --stack ${stack} (or, knowingly, pulumi config set allowMutableTag true --stack ${stack})`,
    );
  }
  const reference = `${repository}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), reference };
}

/**
 * Checks across keys. Each runs on its own, also when other keys are bad: a check whose input failed its own check
 * meets an undefined value and is skipped (that key's problem is reported already), so every problem is reported at once.
 */
function crossChecks(config: BillingConfig, problems: string[]): void {
  const { thresholds: t, monitoring: m, alerting: a } = config;
  const check = (run: () => void): void => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
  };
  check(() => {
    if (t.paymentFailureCritical.ratio <= t.paymentFailureWarning.ratio) {
      problems.push(`${PROJECT}:paymentFailureCriticalRatio (${t.paymentFailureCritical.ratio}) must be greater than ${PROJECT}:paymentFailureWarningRatio (${t.paymentFailureWarning.ratio})`);
    }
  });
  const minWindow = 4 * m.scrapeInterval?.seconds;
  for (const key of ["rateWindow", "cancellationWindow", "creditGrantWindow", "webhookStalledWindow"] as const) {
    check(() => {
      const window = key === "rateWindow" ? t.rateWindow : key === "cancellationWindow" ? t.cancellation.window : key === "creditGrantWindow" ? t.creditGrant.window : t.webhookStalled.window;
      if (window.seconds < minWindow) {
        problems.push(`${PROJECT}:${key}: "${window.text}" is not allowed: a rate window must be at least 4× scrapeInterval (${m.scrapeInterval.text}), i.e. ${minWindow}s, or a single missed scrape empties it`);
      }
    });
  }
  check(() => {
    // The SLIs are counted over the shortest burn window, 5 minutes at a 30-day period.
    const sloBase = Math.round((300 * config.slos.period.seconds) / (30 * 86400));
    if (sloBase < minWindow) {
      problems.push(`${PROJECT}:sloPeriod: "${config.slos.period.text}" is not allowed: its shortest burn window (5m at 30d, scaled) would be ${sloBase}s, under 4× scrapeInterval (${m.scrapeInterval.text}); use at least ${Math.ceil((minWindow * 30 * 86400) / 300 / 3600)}h`);
    }
  });
  check(() => {
    if (t.metricsAbsentFor.seconds < 2 * m.scrapeInterval.seconds) {
      problems.push(`${PROJECT}:metricsAbsentFor: "${t.metricsAbsentFor.text}" is not allowed: it must be at least 2× scrapeInterval (${m.scrapeInterval.text}) so one failed scrape does not fire it`);
    }
  });
  for (const [key, metric, thresholdSeconds] of [
    ["webhookLatencyThresholdSeconds", METRICS.webhookDuration, config.slos.webhookLatency.thresholdSeconds],
    ["apiLatencyThresholdSeconds", METRICS.phoenixRequestDuration, config.slos.apiLatency.thresholdSeconds],
  ] as const) {
    const bounds = metric.buckets.map((bound) => bound / metric.unitsPerSecond);
    if (thresholdSeconds < bounds[0] || thresholdSeconds > bounds[bounds.length - 1]) {
      problems.push(`${PROJECT}:${key}: ${thresholdSeconds} is not allowed: ${metric.name} only tells requests apart between its bucket bounds, ${bounds[0]} s and ${bounds[bounds.length - 1]} s`);
    }
  }
  check(() => {
    if (a.businessHours.start >= a.businessHours.end) {
      problems.push(`${PROJECT}:businessHoursStart (${a.businessHours.start}) must be before ${PROJECT}:businessHoursEnd (${a.businessHours.end})`);
    }
  });
  if (a.smtpLogin === "smtp-token" && !a.smtpUsername) {
    problems.push(`${PROJECT}:smtpUsername is required with smtpLogin smtp-token (the Postmark SMTP token's access key); run: pulumi config set smtpUsername <access key> --stack ${config.stack}`);
  }
  if (config.environment === PRODUCTION && !config.promotion) {
    problems.push(`${PROJECT}:promotionSourceStack is required in production (the stack whose exported image production must run); run: pulumi config set promotionSourceStack <organization>/${PROJECT}/staging --stack ${config.stack}`);
  }
  for (const key of ["alertmanagerConfigPath", "alertmanagerSecretPath"] as const) {
    const value = m[key];
    if (value !== undefined && !value.startsWith("/")) problems.push(`${PROJECT}:${key}: "${value}" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)`);
  }
  check(() => {
    const [config, secret] = [m.alertmanagerConfigPath.replace(/\/+$/, ""), m.alertmanagerSecretPath.replace(/\/+$/, "")];
    if (config === secret || config.startsWith(`${secret}/`) || secret.startsWith(`${config}/`)) {
      problems.push(`${PROJECT}:alertmanagerConfigPath ("${m.alertmanagerConfigPath}") and ${PROJECT}:alertmanagerSecretPath ("${m.alertmanagerSecretPath}") must be separate directories: two volumes cannot be mounted at one path, nor one inside the other`);
    }
  });
}

/**
 * Checks a stack's raw config and returns it typed. Throws a {@link ConfigError} naming every bad key, its value
 * (never a secret's) and what is allowed.
 */
export function parseConfig(raw: RawConfig): BillingConfig {
  const problems: string[] = [];
  const v = readValues(raw, problems);
  const image = imageRef(v, raw, problems);
  const recipients = v.emailRecipients as Record<Severity | "default", string[]> | undefined;
  const repeat = v.repeatIntervals as Record<Severity, Duration> | undefined;
  // Missing values were reported above; the casts below only run through to collect cross-field problems too.
  const config: BillingConfig = {
    stack: raw.stack,
    environment: v.environment!,
    ...(v.kubeContext ? { kubeContext: v.kubeContext } : {}),
    app: { namespace: v.appNamespace!, deployment: v.appDeployment!, container: v.appContainer!, image, rolloutTimeout: v.rolloutTimeout! },
    ...(v.promotionSourceStack ? { promotion: { sourceStack: v.promotionSourceStack, skip: v.skipPromotionGate! } } : {}),
    monitoring: {
      namespace: v.monitoringNamespace!,
      rulesConfigMap: v.rulesConfigMap!,
      prometheusRule: v.prometheusRule!,
      alertmanagerConfigMap: v.alertmanagerConfigMap!,
      alertmanagerSecret: v.alertmanagerSecret!,
      alertmanagerConfigPath: v.alertmanagerConfigPath!,
      alertmanagerSecretPath: v.alertmanagerSecretPath!,
      prometheusDeployment: v.prometheusDeployment!,
      alertmanagerDeployment: v.alertmanagerDeployment!,
      scrapeInterval: v.scrapeInterval!,
      ruleEvaluationInterval: v.ruleEvaluationInterval!,
    },
    alerting: {
      ...(v.alertmanagerOwner
        ? {
            owner: {
              pagingEnvironments: v.pagingEnvironments!,
              nonPagingRecipients: v.nonPagingRecipients!,
              nonPagingRepeatInterval: v.nonPagingRepeatInterval!,
              // The emergency override reads no other stack at all, so it works while staging cannot be read.
              routedStacks: v.routedStacks ?? (v.promotionSourceStack && !v.skipPromotionGate ? [v.promotionSourceStack] : []),
            },
          }
        : {}),
      recipients: recipients!,
      repeatIntervals: repeat!,
      groupWait: v.groupWait!,
      groupInterval: v.groupInterval!,
      emailFrom: v.emailFrom!,
      smtpSmarthost: v.smtpSmarthost!,
      smtpLogin: v.smtpLogin!,
      ...(v.smtpLogin === "smtp-token" && v.smtpUsername ? { smtpUsername: v.smtpUsername } : {}),
      postmarkMessageStream: v.postmarkMessageStream!,
      businessHours: { timezone: v.businessHoursTimezone!, start: v.businessHoursStart!, end: v.businessHoursEnd!, days: v.businessDays! },
      ...(raw.values.slackWebhookUrl !== undefined ? { slack: { channel: v.slackChannel! } } : {}),
      pagerduty: raw.values.pagerdutyRoutingKey !== undefined,
      heartbeat: raw.values.heartbeatUrl !== undefined,
      heartbeatRepeatInterval: v.heartbeatRepeatInterval!,
      runbookBaseUrl: v.runbookBaseUrl!,
    },
    grafana: { url: v.grafanaUrl!, folder: v.grafanaFolder!, dashboardUid: v.dashboardUid! },
    thresholds: {
      rateWindow: v.rateWindow!,
      minEventsPerWindow: v.minEventsPerWindow!,
      minFailuresPerWindow: v.minFailuresPerWindow!,
      paymentFailureWarning: { ratio: v.paymentFailureWarningRatio!, for: v.paymentFailureWarningFor! },
      paymentFailureCritical: { ratio: v.paymentFailureCriticalRatio!, for: v.paymentFailureCriticalFor! },
      webhookFailure: { ratio: v.webhookFailureRatio!, for: v.webhookFailureFor! },
      webhookDuration: { p95Seconds: v.webhookDurationP95Seconds!, for: v.webhookDurationFor! },
      webhookStalled: { window: v.webhookStalledWindow!, for: v.webhookStalledFor! },
      cancellation: { ratio: v.cancellationRatio!, window: v.cancellationWindow!, for: v.cancellationFor! },
      creditGrant: { p99: v.creditGrantP99Threshold!, window: v.creditGrantWindow!, for: v.creditGrantFor! },
      metricsAbsentFor: v.metricsAbsentFor!,
    },
    slos: {
      period: v.sloPeriod!,
      alerts: v.sloAlerts!,
      paymentSuccess: { objective: v.paymentSuccessObjective! },
      webhookLatency: { objective: v.webhookLatencyObjective!, thresholdSeconds: v.webhookLatencyThresholdSeconds! },
      apiLatency: { objective: v.apiLatencyObjective!, thresholdSeconds: v.apiLatencyThresholdSeconds!, routes: v.apiLatencyRoutes! },
    },
  };
  if (config.alerting.owner && raw.values.smtpPassword === undefined) {
    problems.push(`${PROJECT}:smtpPassword is required: this stack owns the Alertmanager configuration (alertmanagerOwner), which sends email; run: ${setSecretCommand("smtpPassword", raw.stack)}`);
  }
  crossChecks(config, problems);
  if (problems.length > 0) throw new ConfigError(raw.stack, problems);
  return config;
}

// ---------------------------------------------------------------------------------------------------------------------
// Pulumi-facing.

/** Secret config values, as Pulumi secrets. Optional ones are undefined when unset. */
export type Secrets = { readonly [K in SecretKey]: K extends "grafanaToken" ? pulumi.Output<string> : pulumi.Output<string> | undefined };

/** Reads the current stack's config, checks it whole, and returns it with its secrets as Pulumi secrets. */
/**
 * An error for the user, as Pulumi should show it: a RunError prints its message alone. Its stack is dropped too:
 * Pulumi's cmd/run also formats every uncaught error with util.inspect for its tracing span, and on Node 20 that
 * takes ~25 s for an error raised inside the program (a `pulumi preview` with a config error would hang that long
 * before it exits). Pulumi's own run.js clears `stack` on the errors it raises for the same kind of reason.
 */
export function stackless<E extends Error>(error: E): E {
  error.stack = undefined;
  return error;
}

export function loadConfig(): { config: BillingConfig; secrets: Secrets } {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  // isConfigSecret is exported by the runtime but not declared in its typings.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
  const otherKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) {
      otherKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  const stack = pulumi.getStack();
  let config: BillingConfig;
  try {
    config = parseConfig({ stack, values, secretKeys, otherKeys });
  } catch (error) {
    if (error instanceof ConfigError) throw stackless(new pulumi.RunError(error.message));
    throw error;
  }
  const cfg = new pulumi.Config(PROJECT);
  return {
    config,
    secrets: {
      // Only the Alertmanager configuration's owner sends email.
      smtpPassword: config.alerting.owner ? cfg.requireSecret("smtpPassword") : cfg.getSecret("smtpPassword"),
      grafanaToken: cfg.requireSecret("grafanaToken"),
      slackWebhookUrl: cfg.getSecret("slackWebhookUrl"),
      pagerdutyRoutingKey: cfg.getSecret("pagerdutyRoutingKey"),
      heartbeatUrl: cfg.getSecret("heartbeatUrl"),
    },
  };
}
