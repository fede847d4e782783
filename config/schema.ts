/**
 * The schema: every key the program reads, with its meaning, default and check. The config reference (docs/config-reference.md) is
 * generated from it, and the secret keys' type is derived from it.
 */
import type { Severity } from "./severity";
import { type Duration, parseDuration } from "../common/duration";
import { alertmanagerBase } from "./base";
import { OLDEST_SUPPORTED, RELOADER_IMAGE, releaseOf } from "./releases";
import { type Check, baseUrl, bool, labelMap, clock, clockEnd, dnsLabel, dnsLabelList, durationCheck, email, emailList, hostPort, imageDigest, imageRepository, imageTag, objectName, ok, oneOf, perSeverity, positiveNumber, problem, ratio, routePattern, stackReference, stackReferenceList, text, timezone, url, weekdayRange, wholeNumber } from "./checks";

export const PROJECT = "billing-monitoring";

/** The workload kinds a reload annotation can be patched onto. */
export const WORKLOAD_KINDS = ["Deployment", "StatefulSet"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** How changed files go live: reloaded in place by a sidecar, or by restarting the pods. */
export const RELOAD_METHODS = ["sidecar", "restart"] as const;
export type ReloadMethod = (typeof RELOAD_METHODS)[number];

/** The stacks this project ships settings for. Other stack names work too, with every default derived from the name. */
export const KNOWN_STACKS = ["staging", "production"] as const;

/** The environment the stricter image rules (digest pinning, promotion gate) apply to. */
export const PRODUCTION = "production";

export interface FieldSpec<T> {
  /** Meaning and unit, for the config reference (docs/config-reference.md). */
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
export function field<T, const S extends FieldSpec<T>>(spec: S & FieldSpec<T>): S {
  return spec;
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
  prometheusOperator: field({
    doc: "Operator mode, for a Prometheus and an Alertmanager run by prometheus-operator (kube-prometheus-stack): the rules as a `PrometheusRule`, the routing as an `AlertmanagerConfig` with its credentials Secret in the app namespace, the owner's email templates in a ConfigMap for the Alertmanager to mount; no rules or routing ConfigMaps and no reload patches (the operator reloads). See docs/operator-mode.md.",
    check: bool,
    default: false,
  }),
  prometheusRuleLabels: field({ doc: "With prometheusOperator: labels the PrometheusRule carries besides ours, for the Prometheus' ruleSelector; kube-prometheus-stack selects `release: <its Helm release>`.", check: labelMap, default: {} as Record<string, string> }),
  alertmanagerConfigName: field({ doc: "With prometheusOperator: name of this stack's AlertmanagerConfig in the app namespace.", check: objectName, default: (stack) => `billing-${stack}` }),
  alertmanagerConfigLabels: field({ doc: "With prometheusOperator: labels the AlertmanagerConfig carries besides ours, for the Alertmanager's alertmanagerConfigSelector.", check: labelMap, default: {} as Record<string, string> }),
  alertmanagerOwner: field({
    doc: "This stack writes the shared Alertmanager's configuration (ConfigMap, credentials Secret, restart) and routes the alerts of every environment; the other stacks write none. One stack per Alertmanager. With prometheusOperator every stack writes its own AlertmanagerConfig, and the owner writes the email templates' ConfigMap.",
    check: bool,
    default: (stack) => stack === "production",
    defaultText: "true in production, else false",
  }),
  teamLabel: field({
    doc: "Value of the `team` label every billing alert carries. The Alertmanager configuration routes and inhibits billing's alerts by it, so other teams' alerts on the same Alertmanager never reach a billing receiver (nor billing's inhibitions).",
    check: dnsLabel,
    default: "billing",
  }),
  otherAlertsRecipients: field({
    doc: "With alertmanagerOwner and no alertmanagerBase: who gets every alert that is not billing's (no `team` label of teamLabel), with Alertmanager's own neutral subject; never a billing receiver. With alertmanagerBase, the base's own root receiver takes them.",
    check: emailList,
    default: ["admin@rsolv.dev"],
  }),
  alertmanagerBase: field({
    doc: "With alertmanagerOwner: a YAML file in this repository (path from the project root) holding the rest of the shared Alertmanager's configuration, as other teams keep it: global settings, templates, routes, receivers, inhibitions, time intervals. The billing subtree goes in as the first route under its root, matching the `team` label; everything else is kept as written. A receiver or time interval named like one of billing's is refused. Unset: billing's configuration alone, with otherAlertsRecipients for other alerts.",
    check: alertmanagerBase,
    optional: true,
  }),
  pagingEnvironments: field({ doc: "With alertmanagerOwner or prometheusOperator: environments whose alerts take the severity routes (critical pages); any other environment's alerts go to nonPagingRecipients. Each must be this stack's environment or that of a routed stack (read from its outputs), so a misspelling cannot silence the pages.", check: dnsLabelList, default: ["production"] }),
  nonPagingRecipients: field({ doc: "With alertmanagerOwner or prometheusOperator: who gets every alert of an environment that does not page (staging), whatever its severity; never a paging receiver.", check: emailList, default: ["alerts@rsolv.dev"] }),
  nonPagingRepeatInterval: field({ doc: "With alertmanagerOwner or prometheusOperator: how often a still-firing alert of an environment that does not page is sent again.", check: durationCheck, default: parseDuration("24h")! }),
  routedStacks: field({
    doc: "With alertmanagerOwner: the other stacks (organization/project/stack) whose alerts this configuration routes; each is checked not to write the Alertmanager's configuration too. Unset: promotionSourceStack (none with skipPromotionGate).",
    check: stackReferenceList,
    optional: true,
  }),
  alertmanagerConfigMap: field({ doc: "ConfigMap holding the Alertmanager configuration and its templates (no credentials); with prometheusOperator, the templates alone, for the Alertmanager to mount.", check: objectName, default: (stack) => `alertmanager-billing-${stack}` }),
  alertmanagerSecret: field({ doc: "Secret holding the Alertmanager credentials (SMTP password, receiver keys); with prometheusOperator, in the app namespace beside the AlertmanagerConfig.", check: objectName, default: (stack) => `alertmanager-billing-${stack}-credentials` }),
  alertmanagerConfigPath: field({ doc: "Directory where Alertmanager mounts the configuration ConfigMap (a directory mount, never subPath).", check: text, default: "/etc/alertmanager/billing" }),
  alertmanagerSecretPath: field({ doc: "Directory where Alertmanager mounts the credentials Secret.", check: text, default: "/etc/alertmanager/secrets/billing" }),
  prometheusDeployment: field({ doc: "Prometheus' existing Deployment in the monitoring namespace; the stack patches in the reloader sidecar (configReload `sidecar`) or a pod-template annotation with the rule file's hash (`restart`).", check: objectName, default: "prometheus" }),
  alertmanagerDeployment: field({ doc: "Alertmanager's existing Deployment in the monitoring namespace; the stack patches in the reloader sidecar (configReload `sidecar`) or a pod-template annotation with its files' hash (`restart`).", check: objectName, default: "alertmanager" }),
  prometheusWorkload: field({ doc: "Kind of prometheusDeployment: Deployment, or StatefulSet as Helm charts run Prometheus; the reload patch (sidecar or annotation) patches that kind and `pulumi up` waits for its rollout.", check: oneOf(WORKLOAD_KINDS), default: "Deployment" as WorkloadKind }),
  alertmanagerWorkload: field({ doc: "Kind of alertmanagerDeployment: Deployment, or StatefulSet as Helm charts run Alertmanager; the reload patch (sidecar or annotation) patches that kind and `pulumi up` waits for its rollout.", check: oneOf(WORKLOAD_KINDS), default: "Deployment" as WorkloadKind }),
  configReload: field({
    doc: "How changed rules and Alertmanager files go live. `sidecar`: the stack adds a config reloader (prometheus-operator's prometheus-config-reloader) to prometheusDeployment and alertmanagerDeployment once; it reloads the servers in place when the kubelet has swapped in the new files (Prometheus by SIGHUP in a shared process namespace, Alertmanager by its /-/reload), so no change restarts them. `restart`: a pod-template annotation with the files' hash restarts them on every change (Prometheus replays its WAL and pauses evaluation; an Alertmanager without a volume loses its notification log and silences).",
    check: oneOf(RELOAD_METHODS),
    default: "sidecar" as ReloadMethod,
  }),
  configReloaderImage: field({
    doc: "With configReload `sidecar`: the reloader's image. The default is the release the tests run (tools/versions.json).",
    check: text,
    default: RELOADER_IMAGE,
  }),
  prometheusLocalUrl: field({ doc: "With configReload `sidecar`: Prometheus' own address inside its pod, where the reloader reads whether a reload succeeded (/api/v1/status/runtimeinfo).", check: baseUrl, default: "http://127.0.0.1:9090" }),
  alertmanagerLocalUrl: field({ doc: "With configReload `sidecar`: Alertmanager's own address inside its pod, where the reloader posts /-/reload.", check: baseUrl, default: "http://127.0.0.1:9093" }),
  prometheusVersion: field({
    doc: "The Prometheus release the stack's rules are written for (MAJOR.MINOR[.PATCH]): a feature it lacks is refused, and `npm run verify` fails when the live Prometheus is older. The default is the oldest supported release; raise it to what you run to use what newer ones offer.",
    check: releaseOf("prometheus"),
    default: OLDEST_SUPPORTED.prometheus,
  }),
  alertmanagerVersion: field({
    doc: "The Alertmanager release the stack's configuration is written for (MAJOR.MINOR[.PATCH]): a feature it lacks is refused or worked around, and `npm run verify` fails when the live Alertmanager is older. From 0.26 the heartbeat URL is read from the Secret as a file, so the configuration holds no secret. The default is the oldest supported release; raise it to what you run.",
    check: releaseOf("alertmanager"),
    default: OLDEST_SUPPORTED.alertmanager,
  }),
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
  smtpPassword: field({ doc: "Postmark SMTP token secret key, or the server API token (with smtpLogin server-token). Only a stack that writes Alertmanager configuration sends email.", check: text, secret: true, optional: true, defaultText: "**required** with alertmanagerOwner or prometheusOperator" }),
  postmarkMessageStream: field({ doc: "Postmark message stream, sent as the X-PM-Message-Stream header.", check: text, default: "outbound" }),
  businessHoursTimezone: field({ doc: "Time zone of business hours (IANA name).", check: timezone, default: "UTC" }),
  businessHoursStart: field({ doc: "Start of business hours, HH:MM.", check: clock, default: "09:00" }),
  businessHoursEnd: field({ doc: "End of business hours, HH:MM (exclusive); 24:00 is midnight.", check: clockEnd, default: "17:00" }),
  businessDays: field({ doc: "Business days, a weekday or a range such as monday:friday.", check: weekdayRange, default: "monday:friday" }),
  slackWebhookUrl: field({ doc: "Slack incoming-webhook URL. Set: warnings also go to Slack.", check: url, secret: true, optional: true }),
  slackChannel: field({ doc: "Slack channel for warnings.", check: text, default: "#billing-alerts" }),
  teamsWebhookUrl: field({ doc: "Microsoft Teams workflow (Power Automate) webhook URL. Set: warnings also go to Teams. Needs alertmanagerVersion 0.28 or later.", check: url, secret: true, optional: true }),
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
  prometheusJob: field({ doc: "The `job` label of Prometheus' scrape of itself: the alerting-pipeline alerts read Prometheus' own series (rule evaluation, notification queue, reloads) by it. kube-prometheus-stack names it after its release, e.g. `kube-prometheus-stack-prometheus`.", check: text, default: "prometheus" }),
  alertmanagerJob: field({ doc: "The `job` label of Prometheus' scrape of Alertmanager: the alerting-pipeline alerts read Alertmanager's own series (notifications, reloads) by it. kube-prometheus-stack names it after its release, e.g. `kube-prometheus-stack-alertmanager`.", check: text, default: "alertmanager" }),
  alertingPipelineWindow: field({ doc: "Window over which the alerting-pipeline alerts count the servers' failures (notifications, rule evaluations, dropped or unsent alerts). At least 3× groupInterval (checked), so a channel that keeps failing fails more than once inside it: Alertmanager retries a failed notification once a group interval.", check: durationCheck, default: parseDuration("15m")! }),
  alertingPipelineFor: field({ doc: "How long a failure of the alerting pipeline (failing notifications, rule evaluation failures, dropped or unsent alerts, a full queue, a failed reload) must last before its alert fires.", check: durationCheck, default: parseDuration("5m")! }),
  notificationFailureRatio: field({ doc: "Share of notifications of one integration (email, slack, pagerduty, webhook) that failed over alertingPipelineWindow above which AlertmanagerNotificationsFailing fires; also the share of alerts Prometheus failed to send to every Alertmanager above which PrometheusAlertmanagerUnreachable fires.", check: ratio, default: 0.1 }),
  notificationQueueFullRatio: field({ doc: "How full Prometheus' queue of alerts for Alertmanager (length / capacity) may get before PrometheusNotificationQueueFull fires; a full queue drops alerts.", check: ratio, default: 0.9 }),

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

/**
 * Old names of renamed keys → their new names. Users' stack files hold the old name, so it keeps working for at
 * least one release: its value is read as the new key's and the program warns that it is deprecated. A key is never
 * renamed without an entry here (rendered/identities.yaml lists every name a stack file may hold; docs/contributing.md).
 */
export const RENAMED_KEYS: Readonly<Record<string, ConfigKey>> = {};
type ValueOf<K extends ConfigKey> = (typeof CONFIG_SCHEMA)[K] extends FieldSpec<infer T> ? T : never;
export type RawValues = { [K in ConfigKey]: ValueOf<K> | undefined };
/** Keys that always have a value once parsed: a default, or required. The others may be unset. */
type AlwaysSet = { [K in ConfigKey]: (typeof CONFIG_SCHEMA)[K] extends { readonly default: unknown } ? K : (typeof CONFIG_SCHEMA)[K] extends { readonly optional: true } ? never : K }[ConfigKey];
/**
 * Every setting but the secrets, checked and defaulted, under its key's own name: the schema's shape, so a key is
 * written once (here) and read as `config.<key>` everywhere.
 */
export type Settings = { readonly [K in Exclude<ConfigKey, SecretKey>]: K extends AlwaysSet ? ValueOf<K> : ValueOf<K> | undefined };

/** Keys whose values are secrets. */
export const SECRET_KEYS = (Object.keys(CONFIG_SCHEMA) as ConfigKey[]).filter((key): key is SecretKey => (CONFIG_SCHEMA[key] as FieldSpec<unknown>).secret === true);
export type SecretKey = { [K in ConfigKey]: (typeof CONFIG_SCHEMA)[K] extends { readonly secret: true } ? K : never }[ConfigKey];
