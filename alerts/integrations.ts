/**
 * The optional notification integrations: each joins one severity's receiver beside its email, switched on by
 * setting its secret, which Alertmanager reads from a file of the credentials Secret. Adding one is its keys in
 * config/schema.ts (its credential marked `secret: true`) and one entry here; the Secret, its file, the reload hash
 * and the receiver follow from the entry.
 */
import type { BillingConfig, SecretKey } from "../config";
import type { Receiver } from "./routing";
import type { Severity } from "./types";

export interface Integration {
  /** The secret config key that switches it on and holds its credential. */
  readonly secret: SecretKey;
  /** Its file in the credentials Secret. */
  readonly file: string;
  /** The receiver it joins. */
  readonly severity: Severity;
  /**
   * Its part of a receiver, with its credential read from `secretFile` (an absolute path in the pod), titled with
   * `subject`'s template (its own severity's unless another receiver borrows it, as the email-failing one does).
   */
  readonly receiver: (cfg: BillingConfig, secretFile: string, subject?: Severity) => Partial<Receiver>;
}

export const INTEGRATIONS: readonly Integration[] = [
  {
    secret: "pagerdutyRoutingKey",
    file: "pagerduty-routing-key",
    severity: "critical",
    receiver: (_cfg, secretFile, subject = "critical") => ({
      pagerduty_configs: [{ routing_key_file: secretFile, send_resolved: true, severity: "critical", description: `{{ template "billing.subject.${subject}" . }}` }],
    }),
  },
  {
    secret: "slackWebhookUrl",
    file: "slack-webhook-url",
    severity: "warning",
    receiver: (cfg, secretFile, subject = "warning") => ({
      slack_configs: [
        {
          api_url_file: secretFile,
          channel: cfg.slackChannel,
          send_resolved: true,
          title: `{{ template "billing.subject.${subject}" . }}`,
          text: "{{ range .Alerts }}{{ .Annotations.description }}\n{{ .Annotations.runbook_url }}\n{{ end }}",
        },
      ],
    }),
  },
];

/** The integrations this stack's config switches on. */
export function enabledIntegrations(cfg: BillingConfig): Integration[] {
  return INTEGRATIONS.filter((integration) => cfg.secretsSet.includes(integration.secret));
}
