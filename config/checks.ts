/**
 * The checks of config values: each takes the raw string Pulumi holds and returns the parsed value, or a sentence
 * saying what is allowed. Where Prometheus, Alertmanager or Kubernetes decide, a check agrees with them exactly (the
 * tests ask promtool and amtool).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { RE2JS } from "re2js";

import { SEVERITIES } from "./severity";
import { type Duration, parseDuration } from "../common/duration";


/** What a check returns: the value, or why the raw text is not allowed. */
export type Check<T> = { ok: T } | { problem: string };


export const ok = <T>(value: T): Check<T> => ({ ok: value });
export const problem = (text: string): Check<never> => ({ problem: text });

export const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** OCI distribution spec: registry host (optionally with port) and lowercase path components. */
export const IMAGE_REPOSITORY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;
export const CLOCK = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** In Alertmanager's order: its weeks start on Sunday, and it refuses a range that runs backwards in it (monday:sunday). */
export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

export function dnsLabel(raw: string): Check<string> {
  return DNS_LABEL.test(raw) ? ok(raw) : problem("must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit");
}

export function objectName(raw: string): Check<string> {
  return DNS_SUBDOMAIN.test(raw) ? ok(raw) : problem("must be a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters");
}

export function text(raw: string): Check<string> {
  return raw.trim() === raw && raw.length > 0 ? ok(raw) : problem("must be non-empty text without surrounding spaces");
}

export function email(raw: string): Check<string> {
  return EMAIL.test(raw) ? ok(raw) : problem("must be an email address like name@example.com");
}

export function ratio(raw: string): Check<number> {
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
export function routePattern(raw: string): Check<string> {
  if (raw.trim() === "") return problem("must be a regular expression matching route patterns");
  try {
    RE2JS.compile(`^(?:${raw})$`);
  } catch (error) {
    return problem(`must be a regular expression as Prometheus reads it (RE2): ${(error as Error).message}`);
  }
  return ok(raw);
}

export function positiveNumber(raw: string): Check<number> {
  const value = Number(raw);
  return raw.trim() !== "" && Number.isFinite(value) && value > 0 ? ok(value) : problem("must be a number greater than 0");
}

export function wholeNumber(min: number, max: number) {
  return (raw: string): Check<number> => {
    const value = Number(raw);
    return /^\d+$/.test(raw) && value >= min && value <= max ? ok(value) : problem(`must be a whole number from ${min} to ${max}`);
  };
}

export function durationCheck(raw: string): Check<Duration> {
  const parsed = parseDuration(raw);
  if (parsed && parsed.seconds <= 0) return problem("must be greater than zero: a Prometheus duration such as 30s, 15m, 1h30m or 6h");
  return parsed ? ok(parsed) : problem("must be a Prometheus duration such as 30s, 15m, 1h30m or 6h");
}

export function bool(raw: string): Check<boolean> {
  return raw === "true" ? ok(true) : raw === "false" ? ok(false) : problem("must be true or false");
}

export function oneOf<T extends string>(allowed: readonly T[]) {
  return (raw: string): Check<T> => (allowed.includes(raw as T) ? ok(raw as T) : problem(`must be one of: ${allowed.join(", ")}`));
}

export function url(raw: string): Check<string> {
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
export function baseUrl(raw: string): Check<string> {
  const checked = url(raw);
  if ("problem" in checked) return checked;
  const parsed = new URL(raw);
  if (parsed.username || parsed.password) return problem("must not carry a user or password: it is copied into every alert's links and the stack outputs; give Grafana's credentials as grafanaToken");
  if (parsed.search || parsed.hash || raw.includes("?") || raw.includes("#")) return problem("must not have a query (?…) or fragment (#…): paths are appended to it");
  return checked;
}

export function hostPort(raw: string): Check<string> {
  const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  return match && Number(match[2]) >= 1 && Number(match[2]) <= 65535 ? ok(raw) : problem("must be host:port, e.g. smtp.postmarkapp.com:587");
}

/**
 * A time zone as Alertmanager (Go's time.LoadLocation) resolves it: a file of the zone database, so the name is
 * case-sensitive. JavaScript's Intl accepts any case; it gives the canonical spelling, which names the mistake.
 */
export const ZONEINFO = "/usr/share/zoneinfo";

export function timezone(raw: string): Check<string> {
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

export function clock(raw: string): Check<string> {
  return CLOCK.test(raw) ? ok(raw) : problem("must be a time of day as HH:MM (24 h), e.g. 09:00");
}

/** An end of day: like {@link clock}, plus 24:00 (Alertmanager's end of the day), so hours can run to midnight. */
export function clockEnd(raw: string): Check<string> {
  return raw === "24:00" || CLOCK.test(raw) ? ok(raw) : problem("must be a time of day as HH:MM (24 h), e.g. 17:00, or 24:00 for midnight");
}

export function weekdayRange(raw: string): Check<string> {
  const parts = raw.split(":");
  const valid = parts.length <= 2 && parts.every((day) => WEEKDAYS.includes(day)) && (parts.length === 1 || WEEKDAYS.indexOf(parts[0]) <= WEEKDAYS.indexOf(parts[1]));
  return valid ? ok(raw) : problem(`must be a weekday or an inclusive range of them such as monday:friday, in this order (Alertmanager\'s week): ${WEEKDAYS.join(", ")}`);
}

export function imageRepository(raw: string): Check<string> {
  return IMAGE_REPOSITORY.test(raw) && raw.length <= 255 ? ok(raw) : problem("must be an image repository such as ghcr.io/rsolv-dev/rsolv-platform (lowercase path, no tag or digest)");
}

export function imageTag(raw: string): Check<string> {
  return IMAGE_TAG.test(raw) ? ok(raw) : problem("must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'");
}

/** A Pulumi stack reference name: `organization/project/stack` (the DIY backends use the literal `organization`). */
export function stackReference(raw: string): Check<string> {
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(raw) ? ok(raw) : problem("must be a fully qualified stack name organization/project/stack, e.g. rsolv-dev/billing-monitoring/staging");
}

/** A list of DNS labels, as JSON or comma-separated. */
export function dnsLabelList(raw: string): Check<string[]> {
  const items = listItems(raw);
  if (!items || items.length === 0) return problem("must be a non-empty list of environment names");
  const bad = items.filter((item) => typeof item !== "string" || "problem" in dnsLabel(item));
  return bad.length > 0 ? problem(`${bad.map((item) => JSON.stringify(item)).join(", ")}: each must be an environment name (lowercase letters, digits and '-')`) : ok(items as string[]);
}

export function stackReferenceList(raw: string): Check<string[]> {
  const items = listItems(raw);
  if (!items) return problem("must be a list of stacks, each organization/project/stack");
  const bad = items.filter((item) => typeof item !== "string" || "problem" in stackReference(item));
  return bad.length > 0 ? problem(`${bad.map((item) => JSON.stringify(item)).join(", ")}: each must be organization/project/stack`) : ok(items as string[]);
}

export function listItems(raw: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return raw.split(",").map((item) => item.trim());
  }
}

export function imageDigest(raw: string): Check<string> {
  return IMAGE_DIGEST.test(raw) ? ok(raw) : problem("must be an image digest: sha256: followed by 64 lowercase hex digits");
}

/**
 * A JSON object whose keys are severities (plus `default` where `withDefault`), each checked by `value`. A key left
 * out keeps its default, so `pulumi config set --path 'emailRecipients.critical[0]' …` changes only critical.
 */
export function perSeverity<T>(value: (raw: string) => Check<T>, withDefault: boolean, defaults: Readonly<Record<string, T>>) {
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

export function emailList(raw: string): Check<string[]> {
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


// k8s.io/apimachinery/pkg/util/validation: a label key is an optional DNS-1123 subdomain prefix and a name of at most
// 63 characters; a value is empty or such a name.
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;
const LABEL_PREFIX = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && !LABEL_PREFIX.test(prefix)) return `${JSON.stringify(key)}: its prefix must be a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `${JSON.stringify(key)}: a label name is at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

/** Kubernetes labels as a JSON object of strings, as `pulumi config set --path 'key.label' value` stores them. */
export function labelMap(raw: string): Check<Record<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return problem('must be an object of label → value, e.g. {"release":"kube-prometheus-stack"}');
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return problem('must be an object of label → value, e.g. {"release":"kube-prometheus-stack"}');
  const problems: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) problems.push(keyProblem);
    else if (typeof value !== "string" || (value !== "" && (value.length > 63 || !LABEL_NAME.test(value)))) problems.push(`${key}: ${JSON.stringify(value)} is not a label value (at most 63 letters, digits, '-', '_' or '.')`);
  }
  return problems.length > 0 ? problem(problems.join("; ")) : ok(parsed as Record<string, string>);
}
