/**
 * The optional notification integrations, one entry per kind: each joins one severity's receiver beside its email,
 * switched on by setting its secret, which Alertmanager reads from a file of the credentials Secret. Adding one is its
 * key in config/schema.ts (its credential marked `secret: true`; config/ reads nothing of alerts/, so the key stays
 * there) and one entry here. Everything else follows from the entry: the Secret and its file, the receivers in both
 * forms (the one configuration, and operator mode's AlertmanagerConfig), the release the stack must declare, the
 * render's stand-in, the sandbox's sink, the review's wording and the secret fields `npm run verify` never shows.
 *
 * The heartbeat is not one of them: it is the Watchdog's own receiver (severity "none", never a severity's), it
 * silences nothing but is silenced by failing email, and before Alertmanager 0.26 its URL is written into the
 * configuration itself, which moves the configuration into the Secret (routing.ts, configHoldsSecrets).
 */
import type { BillingConfig, SecretKey } from "../config";
import { PROJECT } from "../config/schema";
import type { ReleaseFeature } from "../config/releases";
import type { Severity } from "./types";

/** A receiver's key for one kind of config, as Alertmanager spells it (`slack_configs`). */
export type ConfigsKey = `${string}_configs`;

/** How a sink answers a good post, as the real service does: status, headers, body. */
export type SinkAnswer = readonly [status: number, headers: Readonly<Record<string, string>>, body: string];

export interface Integration {
  /** Its name in prose: the alert text that lists the channels, the review, the messages. */
  readonly name: string;
  /** The secret config key that switches it on and holds its credential. */
  readonly secret: SecretKey;
  /** Its file in the credentials Secret. */
  readonly file: string;
  /** The receiver it joins. */
  readonly severity: Severity;
  /** Whether it also joins the receiver of failing email, which must not be told by email alone. */
  readonly emailFailing: boolean;
  /** The first Alertmanager release that has its config with the credential read from a file; absent: every supported one. */
  readonly alertmanagerRelease?: string;
  /** Its part of a receiver in Alertmanager's form. */
  readonly alertmanager: {
    readonly key: ConfigsKey;
    /**
     * Its config, with its credential read from `secretFile` (an absolute path in the pod), titled with `subject`'s
     * template (its own severity's unless another receiver borrows it, as the email-failing one does).
     */
    readonly config: (cfg: BillingConfig, secretFile: string, subject: Severity) => object;
    /**
     * The field that holds the credential's value when it is given inline (as the operator writes it; `npm run verify`
     * never shows it). `config` reads it from the file named by `<credentialField>_file`.
     */
    readonly credentialField: string;
  };
  /**
   * Its part of an AlertmanagerConfig (prometheus-operator v1alpha1), or why operator mode cannot have it: the key,
   * and the CRD's name of each field of its Alertmanager-form config. The credential's file field
   * (`<credentialField>_file`) becomes a SecretKeySelector of the same file in the Secret, which the operator turns
   * back into `<credentialField>` with the Secret's value.
   */
  readonly operator: { readonly key: `${string}Configs`; readonly fields: Readonly<Record<string, string>> } | { readonly refused: string };
  /** What the render writes for it when the stack file holds it encrypted: a value of the right form. */
  readonly standIn: string;
  /** The sandbox's stand-in for the service, on its webhook sink. */
  readonly sandbox: {
    /** Its name on the sink, which takes its posts at `/<sink>`. */
    readonly sink: string;
    readonly answer: SinkAnswer;
    /** The secret the sandbox sets, given the sink's URL for this integration. */
    readonly secret: (sinkUrl: string) => string;
    /** Global settings that send it to the sink when its URL is not its secret (Alertmanager's `global` block). */
    readonly global?: (sinkUrl: string) => Readonly<Record<string, string>>;
  };
  /** Where one of its configs sends, for the review: `Slack #channel`. */
  readonly destination: (config: object) => string;
}

/** One integration, its config typed as the entry writes it; the list holds them with the type erased. */
function integration<C extends object>(
  entry: Omit<Integration, "alertmanager" | "operator" | "destination"> & {
    readonly alertmanager: { readonly key: ConfigsKey; readonly config: (cfg: BillingConfig, secretFile: string, subject: Severity) => C; readonly credentialField: string };
    readonly operator: { readonly key: `${string}Configs`; readonly fields: { readonly [F in keyof C]-?: string } } | { readonly refused: string };
    readonly destination: (config: C) => string;
  },
): Integration {
  return entry as unknown as Integration;
}

const subjectTemplate = (subject: Severity): string => `{{ template "billing.subject.${subject}" . }}`;
const ALERT_LINES = "{{ range .Alerts }}{{ .Annotations.description }}\n{{ .Annotations.runbook_url }}\n{{ end }}";

export const INTEGRATIONS: readonly Integration[] = [
  integration<{ api_url_file: string; channel: string; send_resolved: boolean; title: string; text: string }>({
    name: "Slack",
    secret: "slackWebhookUrl",
    file: "slack-webhook-url",
    severity: "warning",
    emailFailing: true,
    alertmanager: {
      key: "slack_configs",
      config: (cfg, secretFile, subject) => ({ api_url_file: secretFile, channel: cfg.slackChannel, send_resolved: true, title: subjectTemplate(subject), text: ALERT_LINES }),
      credentialField: "api_url",
    },
    operator: { key: "slackConfigs", fields: { api_url_file: "apiURL", channel: "channel", send_resolved: "sendResolved", title: "title", text: "text" } },
    standIn: "https://pulumi-secret.invalid/slack-webhook-url",
    sandbox: {
      sink: "slack",
      // Alertmanager 0.27+ reads Slack's answer: an incoming webhook's is exactly `ok` as text/html; anything else
      // fails the notification, which is then never marked sent (and never resolved).
      answer: [200, { "Content-Type": "text/html" }, "ok"],
      secret: (sinkUrl) => sinkUrl,
    },
    destination: (config) => `Slack ${config.channel}`,
  }),
  integration<{ routing_key_file: string; send_resolved: boolean; severity: string; description: string }>({
    name: "PagerDuty",
    secret: "pagerdutyRoutingKey",
    file: "pagerduty-routing-key",
    severity: "critical",
    emailFailing: true,
    alertmanager: {
      key: "pagerduty_configs",
      config: (_cfg, secretFile, subject) => ({ routing_key_file: secretFile, send_resolved: true, severity: "critical", description: subjectTemplate(subject) }),
      credentialField: "routing_key",
    },
    operator: { key: "pagerdutyConfigs", fields: { routing_key_file: "routingKey", send_resolved: "sendResolved", severity: "severity", description: "description" } },
    standIn: "pulumi-secret-pagerduty-routing-key",
    sandbox: {
      sink: "pagerduty",
      // The Events API v2 answers 202 with its own JSON.
      answer: [202, { "Content-Type": "application/json" }, '{"status":"success","message":"Event processed","dedup_key":"sandbox"}'],
      // A routing key is no address: the events go to the sink by Alertmanager's global PagerDuty URL.
      secret: () => "sandbox-pagerduty-routing-key",
      global: (sinkUrl) => ({ pagerduty_url: sinkUrl }),
    },
    destination: (config) => `PagerDuty (${config.severity})`,
  }),
  integration<{ webhook_url_file: string; send_resolved: boolean; title: string; text: string }>({
    name: "Microsoft Teams",
    secret: "teamsWebhookUrl",
    file: "teams-webhook-url",
    severity: "warning",
    emailFailing: true,
    // msteamsv2_configs (a Power Automate workflow's webhook, which replaced Office 365 connectors), with its
    // webhook_url_file, is new in 0.28.
    alertmanagerRelease: "0.28.0",
    alertmanager: {
      key: "msteamsv2_configs",
      config: (_cfg, secretFile, subject) => ({ webhook_url_file: secretFile, send_resolved: true, title: subjectTemplate(subject), text: ALERT_LINES }),
      credentialField: "webhook_url",
    },
    // prometheus-operator 0.82+.
    operator: { key: "msteamsv2Configs", fields: { webhook_url_file: "webhookURL", send_resolved: "sendResolved", title: "title", text: "text" } },
    standIn: "https://pulumi-secret.invalid/teams-webhook-url",
    sandbox: {
      sink: "teams",
      // A workflow accepts the card with 202 and no body; Alertmanager takes any 2xx.
      answer: [202, {}, ""],
      secret: (sinkUrl) => sinkUrl,
    },
    destination: () => "Microsoft Teams",
  }),
];

/** The integrations this stack's config switches on. */
export function enabledIntegrations(cfg: BillingConfig): Integration[] {
  return INTEGRATIONS.filter((integration) => cfg.secretsSet.includes(integration.secret));
}

/** The integration whose configs a receiver holds under `key`, if any. */
export function integrationOf(key: string): Integration | undefined {
  return INTEGRATIONS.find((integration) => integration.alertmanager.key === key);
}

/**
 * The integrations that need a newer Alertmanager than the oldest supported, as config/parse.ts refuses them when the
 * stack declares an older one (`alertmanagerVersion`). config/ imports nothing of alerts/, so the program hands them
 * to the parser (config/load.ts).
 */
export const RELEASE_FEATURES: readonly ReleaseFeature<BillingConfig>[] = INTEGRATIONS.flatMap(({ name, secret, alertmanagerRelease, alertmanager }) =>
  alertmanagerRelease ? [{ server: "alertmanager" as const, minimum: alertmanagerRelease, what: `${PROJECT}:${secret} (${name} through ${alertmanager.key})`, used: (config: BillingConfig) => config.secretsSet.includes(secret) }] : [],
);

/** Names as prose lists them: `Slack`, `Slack and PagerDuty`, `Slack, PagerDuty and Teams` (or with "or"). */
export function listed(names: readonly string[], conjunction: "and" | "or" = "and"): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} ${conjunction} ${names[names.length - 1]}`;
}
