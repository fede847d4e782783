/**
 * Bad config values, each with the one problem it must be refused with (exact). The values go over the smallest valid
 * config of the staging stack: test/config/config.test.ts gives them to the parser, test/program/bad-inputs.program.test.ts to the program
 * as the language host runs it.
 */

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

const recipients = (critical: unknown) => JSON.stringify({ critical, warning: ["a@rsolv.dev"], info: ["a@rsolv.dev"], default: ["a@rsolv.dev"] });

// [what, raw values, expected problem (exact)]
export const BAD_CONFIG: readonly (readonly [what: string, values: Readonly<Record<string, string>>, problem: string])[] = [
  [
    "malformed email",
    { emailRecipients: recipients(["admin@rsolv.dev", "billing-oncall"]) },
    'billing-monitoring:emailRecipients: {"critical":["admin@rsolv.dev","billing-oncall"],"warning":["a@rsolv.dev"],"info":["a@rsolv.dev"],"default":["a@rsolv.dev"]} is not allowed: critical: "billing-oncall" is not an email address',
  ],
  [
    "unknown severity",
    { repeatIntervals: JSON.stringify({ critical: "2h", warning: "4h", info: "12h", urgent: "1h" }) },
    'billing-monitoring:repeatIntervals: {"critical":"2h","warning":"4h","info":"12h","urgent":"1h"} is not allowed: "urgent" is not a severity; allowed: critical, warning, info',
  ],
  ["an Alertmanager release older than the oldest supported", { alertmanagerVersion: "0.24.0" }, 'billing-monitoring:alertmanagerVersion: "0.24.0" is not allowed: is older than the oldest supported release, 0.25.0 (Debian 12\'s package)'],
  ["a release that is not a version", { prometheusVersion: "latest" }, 'billing-monitoring:prometheusVersion: "latest" is not allowed: must be a release as MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 2.42.0'],
  ["a release with a v prefix", { prometheusVersion: "v3.5.0" }, 'billing-monitoring:prometheusVersion: "v3.5.0" is not allowed: must be a release as MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 2.42.0'],
  ["negative threshold", { webhookDurationP95Seconds: "-1" }, 'billing-monitoring:webhookDurationP95Seconds: "-1" is not allowed: must be a number greater than 0'],
  ["ratio above 1", { paymentFailureWarningRatio: "1.5" }, 'billing-monitoring:paymentFailureWarningRatio: "1.5" is not allowed: must be a ratio greater than 0 and less than 1 (0.1 means 10 %)'],
  ["percent instead of ratio", { cancellationRatio: "10%" }, 'billing-monitoring:cancellationRatio: "10%" is not allowed: must be a ratio greater than 0 and less than 1 (0.1 means 10 %)'],
  [
    "malformed image reference",
    { imageRepository: "ghcr.io/rsolv-dev/Rsolv Platform" },
    'billing-monitoring:imageRepository: "ghcr.io/rsolv-dev/Rsolv Platform" is not allowed: must be an image repository such as ghcr.io/rsolv-dev/rsolv-platform (lowercase path, no tag or digest)',
  ],
  [
    "tag inside the repository",
    { imageRepository: "ghcr.io/rsolv-dev/rsolv-platform:v1" },
    'billing-monitoring:imageRepository: "ghcr.io/rsolv-dev/rsolv-platform:v1" is not allowed: must be an image repository such as ghcr.io/rsolv-dev/rsolv-platform (lowercase path, no tag or digest)',
  ],
  [
    "latest tag",
    { imageTag: "latest" },
    'billing-monitoring:imageTag: "latest" is not allowed: it names no fixed image, so a rollout could not be reproduced or rolled back; use a version tag or imageDigest',
  ],
  ["malformed digest", { imageDigest: "sha256:xyz" }, 'billing-monitoring:imageDigest: "sha256:xyz" is not allowed: must be an image digest: sha256: followed by 64 lowercase hex digits'],
  ["digest with its repository", { imageDigest: `ghcr.io/rsolv-dev/rsolv-platform@${DIGEST}` }, `billing-monitoring:imageDigest: "ghcr.io/rsolv-dev/rsolv-platform@${DIGEST}" is not allowed: must be an image digest: sha256: followed by 64 lowercase hex digits`],
  [
    "tag with a space",
    { imageTag: "billing monitoring" },
    "billing-monitoring:imageTag: \"billing monitoring\" is not allowed: must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'",
  ],
  [
    "tag starting with a dash",
    { imageTag: "-rc1" },
    "billing-monitoring:imageTag: \"-rc1\" is not allowed: must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'",
  ],
  [
    "mutable tag in production",
    { environment: "production", promotionSourceStack: "rsolv-dev/billing-monitoring/staging" },
    'billing-monitoring:imageTag: "v1.2.3" without billing-monitoring:imageDigest is not allowed in production: a tag can be moved to another image after staging ran it; pin it with: pulumi config set imageDigest sha256:<digest> --stack staging (or, knowingly, pulumi config set allowMutableTag true --stack staging)',
  ],
  [
    "production without a promotion source",
    { environment: "production", imageDigest: DIGEST },
    "billing-monitoring:promotionSourceStack is required in production (the stack whose exported image production must run); run: pulumi config set promotionSourceStack <organization>/billing-monitoring/staging --stack staging",
  ],
  [
    "promotion source without organization and project",
    { promotionSourceStack: "staging" },
    'billing-monitoring:promotionSourceStack: "staging" is not allowed: must be a fully qualified stack name organization/project/stack, e.g. rsolv-dev/billing-monitoring/staging',
  ],
  ["override not a boolean", { skipPromotionGate: "yes" }, 'billing-monitoring:skipPromotionGate: "yes" is not allowed: must be true or false'],
  ["rollout timeout in words", { rolloutTimeout: "ten minutes" }, 'billing-monitoring:rolloutTimeout: "ten minutes" is not allowed: must be a Prometheus duration such as 30s, 15m, 1h30m or 6h'],
  [
    "Prometheus Deployment name with capitals",
    { prometheusDeployment: "Prometheus" },
    "billing-monitoring:prometheusDeployment: \"Prometheus\" is not allowed: must be a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters",
  ],
  [
    "bad namespace name",
    { appNamespace: "Rsolv_Staging" },
    'billing-monitoring:appNamespace: "Rsolv_Staging" is not allowed: must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit',
  ],
  ["bad duration", { paymentFailureWarningFor: "15 minutes" }, 'billing-monitoring:paymentFailureWarningFor: "15 minutes" is not allowed: must be a Prometheus duration such as 30s, 15m, 1h30m or 6h'],
  ["unknown login", { smtpLogin: "oauth" }, 'billing-monitoring:smtpLogin: "oauth" is not allowed: must be one of: smtp-token, server-token'],
  ["smarthost without port", { smtpSmarthost: "smtp.postmarkapp.com" }, 'billing-monitoring:smtpSmarthost: "smtp.postmarkapp.com" is not allowed: must be host:port, e.g. smtp.postmarkapp.com:587'],
  ["unknown time zone", { businessHoursTimezone: "Mars/Olympus_Mons" }, 'billing-monitoring:businessHoursTimezone: "Mars/Olympus_Mons" is not allowed: must be an IANA time zone such as UTC or Europe/Berlin'],
  ["bad Grafana URL", { grafanaUrl: "grafana.rsolv.dev" }, 'billing-monitoring:grafanaUrl: "grafana.rsolv.dev" is not allowed: must be an http:// or https:// URL'],
  ["misspelt key", { paymentFailureWarningRatoi: "0.2" }, "billing-monitoring:paymentFailureWarningRatoi is not a setting of this project (did you mean paymentFailureWarningRatio?); see the config reference in docs/config-reference.md"],
  [
    "critical not above warning",
    { paymentFailureCriticalRatio: "0.05" },
    "billing-monitoring:paymentFailureCriticalRatio (0.05) must be greater than billing-monitoring:paymentFailureWarningRatio (0.1)",
  ],
  [
    "rate window too short for the scrape interval",
    { scrapeInterval: "1m", rateWindow: "2m" },
    'billing-monitoring:rateWindow: "2m" is not allowed: a rate window must be at least 4× scrapeInterval (1m), i.e. 240s, or a single missed scrape empties it',
  ],
  ["business hours backwards", { businessHoursStart: "18:00", businessHoursEnd: "09:00" }, "billing-monitoring:businessHoursStart (18:00) must be before billing-monitoring:businessHoursEnd (09:00)"],
  [
    "a weekday range Alertmanager reads backwards (its week starts on Sunday)",
    { businessDays: "monday:sunday" },
    'billing-monitoring:businessDays: "monday:sunday" is not allowed: must be a weekday or an inclusive range of them such as monday:friday, in this order (Alertmanager\'s week): sunday, monday, tuesday, wednesday, thursday, friday, saturday',
  ],
  ["24:00 as a start", { businessHoursStart: "24:00" }, 'billing-monitoring:businessHoursStart: "24:00" is not allowed: must be a time of day as HH:MM (24 h), e.g. 09:00'],
  // Issue 16's rows: each of these once got through or failed badly.
  [
    "a time zone in the wrong case (Alertmanager's zone names are case-sensitive)",
    { businessHoursTimezone: "europe/berlin" },
    'billing-monitoring:businessHoursTimezone: "europe/berlin" is not allowed: must be spelt as the zone database spells it: Europe/Berlin (Alertmanager\'s zone names are case-sensitive)',
  ],
  [
    "a Grafana URL with credentials",
    { grafanaUrl: "http://user:pw@grafana.rsolv.dev" },
    'billing-monitoring:grafanaUrl: "http://user:pw@grafana.rsolv.dev" is not allowed: must not carry a user or password: it is copied into every alert\'s links and the stack outputs; give Grafana\'s credentials as grafanaToken',
  ],
  ["a Grafana URL with a query", { grafanaUrl: "https://grafana.rsolv.dev/?orgId=1" }, 'billing-monitoring:grafanaUrl: "https://grafana.rsolv.dev/?orgId=1" is not allowed: must not have a query (?…) or fragment (#…): paths are appended to it'],
  ["a runbook URL with a fragment", { runbookBaseUrl: "https://github.com/rsolv-dev/docs#runbooks" }, 'billing-monitoring:runbookBaseUrl: "https://github.com/rsolv-dev/docs#runbooks" is not allowed: must not have a query (?…) or fragment (#…): paths are appended to it'],
  ["latest in capitals", { imageTag: "Latest" }, 'billing-monitoring:imageTag: "Latest" is not allowed: it names no fixed image, so a rollout could not be reproduced or rolled back; use a version tag or imageDigest'],
  ["a zero duration", { groupWait: "0s" }, 'billing-monitoring:groupWait: "0s" is not allowed: must be greater than zero: a Prometheus duration such as 30s, 15m, 1h30m or 6h'],
  [
    "the ConfigMap and the Secret mounted at one path",
    { alertmanagerConfigPath: "/etc/alertmanager/billing", alertmanagerSecretPath: "/etc/alertmanager/billing" },
    'billing-monitoring:alertmanagerConfigPath ("/etc/alertmanager/billing") and billing-monitoring:alertmanagerSecretPath ("/etc/alertmanager/billing") must be separate directories: two volumes cannot be mounted at one path, nor one inside the other',
  ],
  [
    "the Secret mounted inside the ConfigMap's directory",
    { alertmanagerSecretPath: "/etc/alertmanager/billing/secrets" },
    'billing-monitoring:alertmanagerConfigPath ("/etc/alertmanager/billing") and billing-monitoring:alertmanagerSecretPath ("/etc/alertmanager/billing/secrets") must be separate directories: two volumes cannot be mounted at one path, nor one inside the other',
  ],
  ["a relative mount path", { alertmanagerConfigPath: "alertmanager/billing" }, 'billing-monitoring:alertmanagerConfigPath: "alertmanager/billing" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)'],
  // More of what a new user mistypes.
  ["a dashboard uid over Grafana's 40 characters", { dashboardUid: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" }, "billing-monitoring:dashboardUid: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not allowed: must be 1 to 40 letters, digits, '_' or '-'"],
  ["a dashboard uid with a space", { dashboardUid: "billing metrics" }, "billing-monitoring:dashboardUid: \"billing metrics\" is not allowed: must be 1 to 40 letters, digits, '_' or '-'"],
  ["no events at all as the traffic guard", { minEventsPerWindow: "0" }, "billing-monitoring:minEventsPerWindow: \"0\" is not allowed: must be a whole number from 1 to 1000000"],
  ["a fraction of a failure as the guard", { minFailuresPerWindow: "2.5" }, "billing-monitoring:minFailuresPerWindow: \"2.5\" is not allowed: must be a whole number from 1 to 1000000"],
  ["an SLO period in words", { sloPeriod: "30 days" }, "billing-monitoring:sloPeriod: \"30 days\" is not allowed: must be a Prometheus duration such as 30s, 15m, 1h30m or 6h"],
  ["an objective in percent", { paymentSuccessObjective: "95" }, "billing-monitoring:paymentSuccessObjective: \"95\" is not allowed: must be a ratio greater than 0 and less than 1 (0.1 means 10 %)"],
  ["an objective of 100 %", { paymentSuccessObjective: "1" }, "billing-monitoring:paymentSuccessObjective: \"1\" is not allowed: must be a ratio greater than 0 and less than 1 (0.1 means 10 %)"],
  ["a route pattern RE2 cannot parse", { apiLatencyRoutes: "[" }, "billing-monitoring:apiLatencyRoutes: \"[\" is not allowed: must be a regular expression as Prometheus reads it (RE2): error parsing regexp: missing closing ]: `[)$`"],
  ["a route pattern with a lookahead (JavaScript takes it, Prometheus does not)", { apiLatencyRoutes: "(?=/api).*" }, "billing-monitoring:apiLatencyRoutes: \"(?=/api).*\" is not allowed: must be a regular expression as Prometheus reads it (RE2): error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["a rate window without a unit", { rateWindow: "5" }, "billing-monitoring:rateWindow: \"5\" is not allowed: must be a Prometheus duration such as 30s, 15m, 1h30m or 6h"],
  ["an owner flag that is not a boolean", { alertmanagerOwner: "maybe" }, "billing-monitoring:alertmanagerOwner: \"maybe\" is not allowed: must be true or false"],
  ["a non-paging recipient that is not an address", { nonPagingRecipients: "nobody" }, "billing-monitoring:nonPagingRecipients: \"nobody\" is not allowed: \"nobody\" is not an email address"],
  ["an SMTP login Postmark does not offer", { smtpLogin: "oauth" }, "billing-monitoring:smtpLogin: \"oauth\" is not allowed: must be one of: smtp-token, server-token"],
  ["a sender without a domain", { emailFrom: "billing" }, "billing-monitoring:emailFrom: \"billing\" is not allowed: must be an email address like name@example.com"],
  ["a relative runbook URL", { runbookBaseUrl: "docs/runbooks" }, "billing-monitoring:runbookBaseUrl: \"docs/runbooks\" is not allowed: must be an http:// or https:// URL"],
  ["a Grafana URL without a scheme", { grafanaUrl: "grafana.rsolv.dev" }, "billing-monitoring:grafanaUrl: \"grafana.rsolv.dev\" is not allowed: must be an http:// or https:// URL"],
  ["business hours as 9am", { businessHoursStart: "9am" }, "billing-monitoring:businessHoursStart: \"9am\" is not allowed: must be a time of day as HH:MM (24 h), e.g. 09:00"],
  ["an image tag over 128 characters", { imageTag: "v".repeat(129) }, `billing-monitoring:imageTag: "${"v".repeat(129)}" is not allowed: must be an image tag: letters, digits, '_', '.' and '-', at most 128 characters, not starting with '.' or '-'`],
  ["a container name with a space", { appContainer: "Rsolv Platform" }, "billing-monitoring:appContainer: \"Rsolv Platform\" is not allowed: must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit"],
  ["a namespace over 63 characters", { appNamespace: "a".repeat(64) }, `billing-monitoring:appNamespace: "${"a".repeat(64)}" is not allowed: must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit`],
  ["a namespace starting with a dash", { monitoringNamespace: "-monitoring" }, "billing-monitoring:monitoringNamespace: \"-monitoring\" is not allowed: must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit"],
  ["a ConfigMap name over Kubernetes' 253 characters", { rulesConfigMap: "a".repeat(254) }, `billing-monitoring:rulesConfigMap: "${"a".repeat(254)}" is not allowed: must be a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters`],
  ["an empty kubeconfig context", { kubeContext: "" }, "billing-monitoring:kubeContext: \"\" is not allowed: must be non-empty text without surrounding spaces"],
  ["an empty Grafana folder", { grafanaFolder: "" }, "billing-monitoring:grafanaFolder: \"\" is not allowed: must be non-empty text without surrounding spaces"],
  ["a latency threshold with a unit", { apiLatencyThresholdSeconds: "0.2s" }, "billing-monitoring:apiLatencyThresholdSeconds: \"0.2s\" is not allowed: must be a number greater than 0"],
  ["a routed stack without organization and project", { routedStacks: "staging" }, "billing-monitoring:routedStacks: \"staging\" is not allowed: \"staging\": each must be organization/project/stack"],
  ["a switch spelt on", { prometheusOperator: "on" }, "billing-monitoring:prometheusOperator: \"on\" is not allowed: must be true or false"],
  ["a digest in capitals", { imageDigest: "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, "billing-monitoring:imageDigest: \"sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\" is not allowed: must be an image digest: sha256: followed by 64 lowercase hex digits"],
  ["a zero repeat interval", { repeatIntervals: JSON.stringify({ critical: "0s" }) }, "billing-monitoring:repeatIntervals: {\"critical\":\"0s\"} is not allowed: critical: must be greater than zero: a Prometheus duration such as 30s, 15m, 1h30m or 6h"],
  ["nobody to send critical alerts to", { emailRecipients: JSON.stringify({ critical: [] }) }, "billing-monitoring:emailRecipients: {\"critical\":[]} is not allowed: critical: must be a non-empty list of email addresses"],
  ["recipients that are not a map", { emailRecipients: "not json" }, "billing-monitoring:emailRecipients: \"not json\" is not allowed: must be an object with the keys critical, warning, info, default"],
  ["a stall window shorter than four scrapes", { webhookStalledWindow: "1m" }, "billing-monitoring:webhookStalledWindow: \"1m\" is not allowed: a rate window must be at least 4\u00d7 scrapeInterval (30s), i.e. 120s, or a single missed scrape empties it"],
  ["a workload kind the reload cannot patch", { prometheusWorkload: "DaemonSet" }, 'billing-monitoring:prometheusWorkload: "DaemonSet" is not allowed: must be one of: Deployment, StatefulSet'],
  [
    "a rule selector label with a space",
    { prometheusRuleLabels: JSON.stringify({ release: "kube prometheus" }) },
    'billing-monitoring:prometheusRuleLabels: {"release":"kube prometheus"} is not allowed: release: "kube prometheus" is not a label value (at most 63 letters, digits, \'-\', \'_\' or \'.\')',
  ],
  [
    "operator mode with the server-token login",
    { prometheusOperator: "true", smtpLogin: "server-token" },
    'billing-monitoring:smtpLogin: "server-token" is not allowed with prometheusOperator: the server token would be the SMTP username, and an AlertmanagerConfig holds the username in plain text (only the password is a Secret reference); allowed: smtp-token',
  ],
  [
    "operator mode with business hours in a time zone",
    { prometheusOperator: "true", businessHoursTimezone: "Europe/Berlin" },
    'billing-monitoring:businessHoursTimezone: "Europe/Berlin" is not allowed with prometheusOperator: an AlertmanagerConfig\'s time intervals (v1alpha1) have no time zone and Alertmanager reads them as UTC; allowed: UTC (give businessHoursStart and businessHoursEnd in UTC)',
  ],
  ["an AlertmanagerConfig name in capitals", { alertmanagerConfigName: "Billing" }, "billing-monitoring:alertmanagerConfigName: \"Billing\" is not allowed: must be a Kubernetes object name: lowercase letters, digits, '-' and '.', at most 253 characters"],
  ["AlertmanagerConfig selector labels as a list", { alertmanagerConfigLabels: '["release"]' }, 'billing-monitoring:alertmanagerConfigLabels: ["release"] is not allowed: must be an object of label → value, e.g. {"release":"kube-prometheus-stack"}'],
  ["rule selector labels as key=value", { prometheusRuleLabels: "release=kps" }, 'billing-monitoring:prometheusRuleLabels: "release=kps" is not allowed: must be an object of label → value, e.g. {"release":"kube-prometheus-stack"}'],
];
