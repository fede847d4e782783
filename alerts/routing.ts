/**
 * The Alertmanager configuration as one typed object: global Postmark SMTP, the route tree by severity, receivers,
 * inhibition and business-hours time intervals. Pure: credentials are referenced as files inside the mounted Secret;
 * only values Alertmanager 0.25 cannot read from a file are passed in (see {@link InlineSecrets}).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { BILLING_RECEIVER_NAMES, BUSINESS_HOURS, OTHER_ALERTS_RECEIVER, RECEIVERS } from "../config/alertmanager-names";
import type { BillingConfig, SecretKey } from "../config";
import { atLeast, WEBHOOK_URL_FILE } from "../config/releases";
import { escapeRegex } from "../promql/index";
import { toYaml } from "../common/serialize";
import { type ConfigsKey, enabledIntegrations, INTEGRATIONS, type Integration, listed } from "./integrations";
import { EMAIL_INTEGRATION, NOTIFICATIONS_FAILING } from "./alerting-pipeline";
import { METRICS_ABSENT, WATCHDOG } from "./pipeline";
import { PAYMENT_FAILURE_FAMILY } from "./payments";
import { HEARTBEAT_SEVERITY, SEVERITIES, type Severity } from "./types";
import { WEBHOOKS_STALLED } from "./webhooks";

// --- The subset of Alertmanager's configuration schema we emit (names as Alertmanager spells them). -----------------

export interface AlertmanagerConfig {
  /** Billing's Postmark settings; with a base, the base's global block as written (billing's emails carry their own). */
  global: {
    resolve_timeout?: string;
    smtp_smarthost?: string;
    smtp_from?: string;
    smtp_auth_username?: string;
    smtp_auth_password_file?: string;
    smtp_require_tls?: boolean;
    [key: string]: unknown;
  };
  templates: string[];
  route: Route;
  inhibit_rules: InhibitRule[];
  time_intervals: TimeInterval[];
  receivers: Receiver[];
}

export interface Route {
  receiver: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  active_time_intervals?: string[];
  continue?: boolean;
  routes?: Route[];
}

export interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface TimeInterval {
  name: string;
  time_intervals: { times: { start_time: string; end_time: string }[]; weekdays: string[]; location: string }[];
}

export interface EmailConfig {
  to: string;
  /** With a base configuration, billing's SMTP settings on each of its emails: the base's global block is another team's. */
  smarthost?: string;
  from?: string;
  auth_username?: string;
  auth_password_file?: string;
  send_resolved: boolean;
  require_tls: boolean;
  headers: Record<string, string>;
  /** Unset: Alertmanager's own neutral template (the receiver of other teams' alerts). */
  html?: string;
  text?: string;
  tls_config?: { ca_file?: string; server_name?: string };
}

/** The heartbeat's webhook: its URL inline (Alertmanager 0.25) or read from the Secret (`url_file`, 0.26+). */
export type HeartbeatWebhook = ({ url: string } | { url_file: string }) & { send_resolved: boolean };

export interface Receiver {
  name: string;
  email_configs?: EmailConfig[];
  /** The heartbeat: its URL inline (Alertmanager 0.25) or read from the Secret (`url_file`, 0.26+). */
  webhook_configs?: HeartbeatWebhook[];
  /** An integration's configs, under the key its entry names (alerts/integrations.ts). */
  [configs: ConfigsKey]: readonly object[] | undefined;
}

// --- Names shared with components and tests. ------------------------------------------------------------------------

export { BILLING_RECEIVER_NAMES, BUSINESS_HOURS, OTHER_ALERTS_RECEIVER, RECEIVERS };

/**
 * The credentials Secret's files for the SMTP password and the heartbeat URL (read by Alertmanager 0.26+ and by the
 * operator); the integrations name their own (alerts/integrations.ts).
 */
export const SECRET_FILES = { smtpPassword: "smtp-password", heartbeatUrl: "heartbeat-url" } as const;

/** File names inside the configuration ConfigMap (or Secret, see {@link configHoldsSecrets}). */
export const CONFIG_FILE = "alertmanager.yml";
export const TEMPLATE_FILE = "billing-email.tmpl";

/** Labels every notification group is split by. */
export const GROUP_BY = ["alertname", "severity", "environment"];

/**
 * Whether the heartbeat URL (which carries its token) is read from the Secret's file: Alertmanager's webhook receiver
 * has `url_file` from 0.26 on; on an older declared release (`alertmanagerVersion`) it must be inline.
 */
export function heartbeatFromFile(cfg: BillingConfig): boolean {
  return cfg.secretsSet.includes("heartbeatUrl") && atLeast(cfg.alertmanagerVersion, WEBHOOK_URL_FILE);
}

/**
 * Whether the rendered configuration itself must carry a secret, and so live in the Secret rather than the ConfigMap:
 * with the server-token login the token is also the SMTP username, which has no `_file` form in any release; and
 * before 0.26 a heartbeat URL must be inline ({@link heartbeatFromFile}).
 */
export function configHoldsSecrets(cfg: BillingConfig): boolean {
  return cfg.smtpLogin === "server-token" || (cfg.secretsSet.includes("heartbeatUrl") && !heartbeatFromFile(cfg));
}

/** Secret values that must be written into the configuration itself (only when {@link configHoldsSecrets}). */
export interface InlineSecrets {
  /** The server API token, with smtpLogin server-token. */
  readonly smtpServerToken?: string;
  readonly heartbeatUrl?: string;
}

/** Where each Alertmanager file goes, decided from the config alone; the program fills in the secret values. */
export interface AlertmanagerPlacement {
  /** Plain files of the ConfigMap: the templates, and the configuration when it holds no secret. */
  readonly configMapFiles: Readonly<Record<string, string>>;
  /** Files of the Secret, each by the secret config key whose value it holds. */
  readonly secretFiles: Readonly<Record<string, SecretKey>>;
  /** With a secret inside the configuration: which secret config key fills each inline value; the file goes to the Secret. */
  readonly inline?: Readonly<Record<keyof InlineSecrets, SecretKey | undefined>>;
  /** The configuration file's path in the Alertmanager pod. */
  readonly configFile: string;
  /** Why the configuration holds a secret and what that means on Alertmanager 0.25, for the stack's warning. */
  readonly warning?: string;
}

/**
 * What goes into the ConfigMap and what into the Secret. A secret always goes to the Secret, read by Alertmanager
 * from a file; only what 0.25 cannot read from a file is written into the configuration, which then moves whole to
 * the Secret (see {@link configHoldsSecrets}).
 */
export function alertmanagerPlacement(cfg: BillingConfig): AlertmanagerPlacement {
  const secretFiles: Record<string, SecretKey> = { [SECRET_FILES.smtpPassword]: "smtpPassword" };
  for (const integration of enabledIntegrations(cfg)) secretFiles[integration.file] = integration.secret;
  if (heartbeatFromFile(cfg)) secretFiles[SECRET_FILES.heartbeatUrl] = "heartbeatUrl";
  if (!configHoldsSecrets(cfg)) {
    return { configMapFiles: { ...emailTemplates(), [CONFIG_FILE]: toYaml(buildAlertmanagerConfig(cfg)) }, secretFiles, configFile: `${cfg.alertmanagerConfigPath}/${CONFIG_FILE}` };
  }
  const serverToken = cfg.smtpLogin === "server-token";
  return {
    configMapFiles: emailTemplates(),
    secretFiles,
    inline: { smtpServerToken: serverToken ? "smtpPassword" : undefined, heartbeatUrl: cfg.secretsSet.includes("heartbeatUrl") ? "heartbeatUrl" : undefined },
    configFile: `${cfg.alertmanagerSecretPath}/${CONFIG_FILE}`,
    warning: serverToken
      ? `The Alertmanager configuration holds a secret (the server token as SMTP username, which no Alertmanager reads from a file), so it goes into the Secret; Alertmanager still shows it in clear on /api/v2/status and its Status page. Limit access to Alertmanager's HTTP port, or use smtpLogin smtp-token; see docs/environments-and-routing.md, "Postmark login".`
      : `The Alertmanager configuration holds a secret (the heartbeat URL: alertmanagerVersion ${cfg.alertmanagerVersion} reads no webhook URL from a file), so it goes into the Secret; Alertmanager 0.25 still shows it in clear on /api/v2/status and its Status page. With Alertmanager ${WEBHOOK_URL_FILE} or later, run: pulumi config set alertmanagerVersion <its version>; see docs/environments-and-routing.md, "Postmark login".`,
  };
}

/** The email templates, shipped next to the configuration. */
export function emailTemplates(): Record<string, string> {
  return { [TEMPLATE_FILE]: fs.readFileSync(path.join(__dirname, "templates", TEMPLATE_FILE), "utf8") };
}

export const matcher = (label: string, op: "=" | "=~" | "!=", value: string): string => `${label}${op}${JSON.stringify(value)}`;

/** The SMTP login as Alertmanager takes it: the username, and the password's file. */
interface SmtpLogin {
  readonly username: string;
  readonly passwordFile: string;
}

/**
 * Every receiver either form needs, with each credential read from `secretFile(<its file>)`: one per severity
 * (with the integrations that join it), the catch-all, the non-paging pair and the heartbeat (its webhook given, if any).
 */
export function receivers(cfg: BillingConfig, secretFile: (name: string) => string, heartbeat?: HeartbeatWebhook): Receiver[] {
  const email = (severity: Severity | "default" | "nonpaging", recipients: readonly string[]): EmailConfig => ({
    to: recipients.join(", "),
    // Email defaults to false; people must learn that an incident ended.
    send_resolved: true,
    require_tls: true,
    headers: {
      Subject: `{{ template "billing.subject.${severity}" . }}`,
      "X-PM-Message-Stream": cfg.postmarkMessageStream,
    },
    html: '{{ template "billing.email.html" . }}',
    text: '{{ template "billing.email.text" . }}',
  });
  const integrations = enabledIntegrations(cfg);
  const part = (chosen: readonly Integration[], subject?: Severity): Partial<Receiver> =>
    Object.fromEntries(chosen.map((i) => [i.alertmanager.key, [i.alertmanager.config(cfg, secretFile(i.file), subject ?? i.severity)]]));
  const joined = (severity: Severity): Partial<Receiver> => part(integrations.filter((i) => i.severity === severity));
  return [
    { name: RECEIVERS.critical, email_configs: [email("critical", cfg.emailRecipients.critical)], ...joined("critical") },
    { name: RECEIVERS.warning, email_configs: [email("warning", cfg.emailRecipients.warning)], ...joined("warning") },
    { name: RECEIVERS.info, email_configs: [email("info", cfg.emailRecipients.info)], ...joined("info") },
    // Every integration that joins it at once, each with the critical subject; email stays, for the case where it
    // fails only in part.
    { name: RECEIVERS.emailFailing, email_configs: [email("critical", cfg.emailRecipients.critical)], ...part(integrations.filter((i) => i.emailFailing), "critical") },
    { name: RECEIVERS.default, email_configs: [email("default", cfg.emailRecipients.default)] },
    { name: RECEIVERS.nonPaging, email_configs: [email("nonpaging", cfg.nonPagingRecipients)] },
    { name: RECEIVERS.nonPagingWatchdog },
    // Without a heartbeat URL the Watchdog still needs a route that never reaches people: a receiver with no configs.
    { name: RECEIVERS.heartbeat, ...(heartbeat ? { webhook_configs: [heartbeat] } : {}) },
  ];
}

/** The grouping and timing every environment's alerts share (the root route's, in the one configuration). */
export function groupTiming(cfg: BillingConfig): Pick<Route, "group_by" | "group_wait" | "group_interval" | "repeat_interval"> {
  return { group_by: GROUP_BY, group_wait: cfg.groupWait.text, group_interval: cfg.groupInterval.text, repeat_interval: cfg.repeatIntervals.warning.text };
}

/** The Watchdog of a paging environment to the heartbeat, at the heartbeat's own pace. */
export function heartbeatRoute(cfg: BillingConfig, matchers: readonly string[]): Route {
  return {
    receiver: RECEIVERS.heartbeat,
    matchers: [matcher("alertname", "=", WATCHDOG), matcher("severity", "=", HEARTBEAT_SEVERITY), ...matchers],
    group_wait: "0s",
    group_interval: cfg.heartbeatRepeatInterval.text,
    repeat_interval: cfg.heartbeatRepeatInterval.text,
  };
}

/**
 * A paging environment's routes under its catch-all: email failing to every other channel, the stalled webhooks in
 * business hours, then by severity.
 */
export function severityRoutes(cfg: BillingConfig): Route[] {
  return [
    {
      receiver: RECEIVERS.emailFailing,
      matchers: [matcher("alertname", "=", NOTIFICATIONS_FAILING), matcher("integration", "=", EMAIL_INTEGRATION)],
      repeat_interval: cfg.repeatIntervals.critical.text,
    },
    {
      receiver: RECEIVERS.info,
      matchers: [matcher("alertname", "=", WEBHOOKS_STALLED)],
      active_time_intervals: [BUSINESS_HOURS],
      repeat_interval: cfg.repeatIntervals.info.text,
    },
    ...SEVERITIES.map((severity) => ({ receiver: RECEIVERS[severity], matchers: [matcher("severity", "=", severity)], repeat_interval: cfg.repeatIntervals[severity].text })),
  ];
}

/** An environment that does not page: every alert to one quiet receiver, its Watchdog to one that sends nothing. */
export function nonPagingRoute(cfg: BillingConfig, matchers: readonly string[]): Route {
  return {
    receiver: RECEIVERS.nonPaging,
    matchers: [...matchers],
    repeat_interval: cfg.nonPagingRepeatInterval.text,
    routes: [{ receiver: RECEIVERS.nonPagingWatchdog, matchers: [matcher("alertname", "=", WATCHDOG)] }],
  };
}

/**
 * Inhibition: within an environment (and, where the target has one, its namespace), never across; and only among
 * billing's alerts (both sides carry the `team` label), whatever other teams' alerts share the Alertmanager.
 */
export function inhibitRules(cfg: BillingConfig): InhibitRule[] {
  const team = teamMatcher(cfg);
  return [...billingInhibitRules(), ...(cfg.secretsSet.includes("heartbeatUrl") ? [emailFailingStopsHeartbeat()] : [])].map((rule) => ({ ...rule, source_matchers: [...rule.source_matchers, team], target_matchers: [...rule.target_matchers, team] }));
}

/** The `team` label every billing alert carries (teamLabel): the billing subtree and inhibitions match it. */
export function teamMatcher(cfg: BillingConfig): string {
  return matcher("team", "=", cfg.teamLabel);
}

function billingInhibitRules(): InhibitRule[] {
  return [
    {
      // Only alerts that belong to a family: a label missing on both sides counts as equal, so without this
      // matcher any critical alert would silence every family-less warning.
      source_matchers: [matcher("severity", "=", "critical"), matcher("family", "=~", ".+")],
      target_matchers: [matcher("severity", "=", "warning")],
      equal: ["family", "environment"],
    },
    {
      // One payment problem, one notification: while a seed payment alert fires, the payment SLO's ticket for the
      // same failures waits (its page already stands down where the seed alerts can judge: alerts/slo.ts).
      source_matchers: [matcher("family", "=", PAYMENT_FAILURE_FAMILY)],
      target_matchers: [matcher("slo", "=", "payment-success")],
      equal: ["namespace", "environment"],
    },
    {
      // No metrics at all also reads as "no webhooks": report the cause once.
      source_matchers: [matcher("alertname", "=", METRICS_ABSENT)],
      target_matchers: [matcher("alertname", "=", WEBHOOKS_STALLED)],
      equal: ["environment"],
    },
  ];
}

/**
 * Email failing silences the Watchdog, so the heartbeat stops and the heartbeat service pages by its own channel:
 * the one way to be told when email is the only channel (no integration), and a second way otherwise.
 */
function emailFailingStopsHeartbeat(): InhibitRule {
  return {
    source_matchers: [matcher("alertname", "=", NOTIFICATIONS_FAILING), matcher("integration", "=", EMAIL_INTEGRATION)],
    target_matchers: [matcher("alertname", "=", WATCHDOG)],
    equal: ["environment"],
  };
}

/**
 * What nobody is told when email fails, given the channels configured; undefined when another channel covers it.
 * docs/environments-and-routing.md, "When alerting itself fails", says the same.
 */
export function uncoveredEmailFailure(cfg: BillingConfig): string | undefined {
  if (enabledIntegrations(cfg).some((i) => i.emailFailing)) return undefined;
  const keys = INTEGRATIONS.filter((i) => i.emailFailing).map((i) => i.secret);
  return cfg.secretsSet.includes("heartbeatUrl")
    ? `Only email reaches people: when email fails, ${NOTIFICATIONS_FAILING} is told only by the heartbeat stopping (its inhibition of the Watchdog), as fast as the heartbeat service notices. Set ${listed(keys, "or")} for a direct second channel.`
    : `Only email reaches people and no heartbeatUrl is set: when email fails, nobody is told (${NOTIFICATIONS_FAILING} fires in Prometheus, and its email fails too). Set ${listed(["heartbeatUrl", ...keys], "or")}.`;
}

export function businessHours(cfg: BillingConfig): TimeInterval {
  const { businessHoursStart: start, businessHoursEnd: end, businessDays: days, businessHoursTimezone: timezone } = cfg;
  return { name: BUSINESS_HOURS, time_intervals: [{ times: [{ start_time: start, end_time: end }], weekdays: [days], location: timezone }] };
}

/** Whether this stack's own alerts take the severity routes. */
export function pages(cfg: BillingConfig): boolean {
  return cfg.pagingEnvironments.includes(cfg.environment);
}

/**
 * The one configuration of the shared Alertmanager, written by the stack that owns it (`alertmanagerOwner`), routing
 * every environment: environment first, then severity. The paging environments (production) take the seed's
 * severity routes; every other environment's alerts go to one quiet receiver, subject tagged with the environment;
 * an alert without an `environment` label reaches the default receiver.
 */
export function buildAlertmanagerConfig(cfg: BillingConfig, inline: InlineSecrets = {}): AlertmanagerConfig {
  if (!cfg.alertmanagerOwner) throw new Error(`stack ${cfg.stack} does not own the Alertmanager configuration (alertmanagerOwner is false)`);
  const secretFile = (name: string): string => `${cfg.alertmanagerSecretPath}/${name}`;
  if (cfg.smtpLogin === "server-token" && !inline.smtpServerToken) throw new Error("smtpLogin server-token needs the server token inline");
  if (cfg.secretsSet.includes("heartbeatUrl") && !heartbeatFromFile(cfg) && !inline.heartbeatUrl) throw new Error(`a heartbeat receiver needs its URL inline before Alertmanager ${WEBHOOK_URL_FILE}`);
  const login: SmtpLogin = { username: cfg.smtpLogin === "server-token" ? inline.smtpServerToken! : cfg.smtpUsername!, passwordFile: secretFile(SECRET_FILES.smtpPassword) };
  const paging = matcher("environment", "=~", cfg.pagingEnvironments.map(escapeRegex).join("|"));
  const base = cfg.alertmanagerBase?.config;
  const postmark = {
    smtp_smarthost: cfg.smtpSmarthost,
    smtp_from: cfg.emailFrom,
    smtp_auth_username: login.username,
    smtp_auth_password_file: login.passwordFile,
    // Postmark's port 587 offers STARTTLS; never send credentials in clear.
    smtp_require_tls: true,
  };
  // The billing subtree: billing's alerts (the team label) by environment, then severity; nothing else enters it.
  const billing: Route = {
    receiver: RECEIVERS.default,
    matchers: [teamMatcher(cfg)],
    ...groupTiming(cfg),
    routes: [
      heartbeatRoute(cfg, [paging]),
      { receiver: RECEIVERS.default, matchers: [paging], routes: severityRoutes(cfg) },
      // Every other environment: never a paging receiver, whatever the severity.
      nonPagingRoute(cfg, [matcher("environment", "=~", ".+")]),
    ],
  };
  const billingReceivers = receivers(
    cfg,
    secretFile,
    !cfg.secretsSet.includes("heartbeatUrl") ? undefined : heartbeatFromFile(cfg) ? { url_file: secretFile(SECRET_FILES.heartbeatUrl), send_resolved: false } : { url: inline.heartbeatUrl!, send_resolved: false },
  );
  if (!base) {
    return {
      global: { resolve_timeout: "5m", ...postmark },
      templates: [`${cfg.alertmanagerConfigPath}/*.tmpl`],
      route: { receiver: OTHER_ALERTS_RECEIVER, ...groupTiming(cfg), routes: [billing] },
      inhibit_rules: inhibitRules(cfg),
      time_intervals: [businessHours(cfg)],
      receivers: [
        ...billingReceivers,
        // Another team's alert on this Alertmanager: Alertmanager's own subject and body, nothing billing's.
        { name: OTHER_ALERTS_RECEIVER, email_configs: [{ to: cfg.otherAlertsRecipients.join(", "), send_resolved: true, require_tls: true, headers: { "X-PM-Message-Stream": cfg.postmarkMessageStream } }] },
      ],
    };
  }
  // With the team's base: everything of it kept as written, the billing subtree first under its root (so a base
  // route matching everything cannot take billing's alerts), billing's emails with their own SMTP settings.
  const ownSmtp = { smarthost: postmark.smtp_smarthost, from: postmark.smtp_from, auth_username: postmark.smtp_auth_username, auth_password_file: postmark.smtp_auth_password_file };
  return {
    ...base,
    global: { ...(base.global ?? {}) },
    templates: [...(base.templates ?? []), `${cfg.alertmanagerConfigPath}/*.tmpl`],
    route: { ...base.route, routes: [billing, ...((base.route.routes ?? []) as Route[])] },
    inhibit_rules: [...((base.inhibit_rules ?? []) as InhibitRule[]), ...inhibitRules(cfg)],
    time_intervals: [...((base.time_intervals ?? []) as TimeInterval[]), businessHours(cfg)],
    receivers: [...(base.receivers as unknown as Receiver[]), ...billingReceivers.map((receiver) => (receiver.email_configs ? { ...receiver, email_configs: receiver.email_configs.map((email) => ({ ...email, ...ownSmtp })) } : receiver))],
  };
}
