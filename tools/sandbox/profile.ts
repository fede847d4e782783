/**
 * The test profile: the config overrides under which the sandbox and the end-to-end tests run the real stack. Only
 * durations, business hours, paths and the smarthost differ from a deployed stack; thresholds, the low-traffic guard,
 * recipients, repeat intervals, routes, inhibitions and templates are the defaults every stack ships with.
 *
 * Each value is the shortest that keeps the property the production value protects (see docs/sandbox.md, "Test profile").
 */
import { RELEASE_FEATURES } from "../../alerts/integrations";
import { parseConfig, PROJECT, type BillingConfig } from "../../config";

/** Config keys and values, as `pulumi config set` would store them. */
export const TEST_PROFILE = {
  // A burn-rate alert judges hours to days of budget; a scenario lasts a minute. Even with the period scaled down
  // (sloPeriod), a ticket's windows outlast every scenario and would notify after the scenario's own alert
  // resolved. The SLO rules and dashboard row stay; promtool proves the alerts (slo-burn, real-traffic).
  sloAlerts: "false",
  // One sample per second; every rate window below is ≥ 4 × this, the config's own cross-check.
  scrapeInterval: "1s",
  ruleEvaluationInterval: "1s",
  rateWindow: "8s",
  // Critical shorter than warning, as in production (10m < 15m): the critical fires first and inhibits the warning.
  paymentFailureWarningFor: "12s",
  paymentFailureCriticalFor: "6s",
  webhookFailureFor: "6s",
  webhookDurationFor: "6s",
  // Window + for (30 s) well above metricsAbsentFor + group wait, so a stopped target is notified as missing metrics
  // and back before the stall alert could fire.
  webhookStalledWindow: "10s",
  webhookStalledFor: "20s",
  cancellationWindow: "8s",
  cancellationFor: "6s",
  creditGrantWindow: "8s",
  creditGrantFor: "6s",
  // Above the ~5 s Prometheus takes after start (and restart) to scrape a new target: the rule is evaluated from
  // the first second, and a shorter value would notify missing metrics at every start.
  metricsAbsentFor: "15s",
  // A failed email counts once Alertmanager's retries give up (its notify timeout, 10 s at the least), about every
  // 10-14 s while SMTP refuses: the window holds two of them, so the ratio stays up between retries.
  alertingPipelineWindow: "30s",
  alertingPipelineFor: "6s",
  groupWait: "2s",
  groupInterval: "4s",
  heartbeatRepeatInterval: "4s",
  // All week, all day: StripeWebhooksStalled is notified whenever the test runs.
  businessHoursTimezone: "UTC",
  businessHoursStart: "00:00",
  businessHoursEnd: "24:00",
  businessDays: "sunday:saturday",
} as const;

/** The stack name the sandbox renders as; it has no Pulumi.<stack>.yaml, so every other value is the default. */
export const SANDBOX_STACK = "sandbox";

/** Settings that place one environment of the sandbox: its labels, its paths and the local smarthost. */
export interface SandboxPlacement {
  /** Environment label and app namespace (one per scenario when several share a Prometheus). */
  readonly environment: string;
  readonly alertmanagerConfigPath: string;
  readonly alertmanagerSecretPath: string;
  readonly smtpSmarthost: string;
  readonly smtpUsername: string;
  /** Whether this environment's stack writes the shared Alertmanager's configuration (one environment does). */
  readonly alertmanagerOwner: boolean;
  /** The environments whose alerts take the severity routes; the others go to the non-paging receiver. */
  readonly pagingEnvironments: readonly string[];
  /** With alertmanagerOwner: the other environments it routes, each read as the stack {@link routedStack} names. */
  readonly routedEnvironments?: readonly string[];
}

/** The stack an owner reads for a routed sandbox environment (its outputs are given to the run, not deployed). */
export const routedStack = (environment: string): string => `sandbox/${PROJECT}/${environment}`;

/**
 * The thresholds a stack file may set that the sandbox takes over: ratios, quantile thresholds and the low-traffic
 * guard. Durations stay the profile's (seconds, not minutes), or no scenario would fire within a session.
 */
export const STACK_THRESHOLD_KEYS = [
  "paymentFailureWarningRatio",
  "paymentFailureCriticalRatio",
  "webhookFailureRatio",
  "webhookDurationP95Seconds",
  "cancellationRatio",
  "creditGrantP99Threshold",
  "minEventsPerWindow",
  "minFailuresPerWindow",
] as const;

/** A stack file's thresholds the sandbox runs with, and the profile durations it keeps in place of the stack's. */
export function stackThresholds(stackValues: Readonly<Record<string, string>>): { values: Record<string, string>; scaled: string[] } {
  const values = Object.fromEntries(STACK_THRESHOLD_KEYS.filter((key) => stackValues[key] !== undefined).map((key) => [key, stackValues[key]]));
  const scaled = Object.keys(stackValues).filter((key) => key in TEST_PROFILE && !(STACK_THRESHOLD_KEYS as readonly string[]).includes(key));
  return { values, scaled };
}

/**
 * The full config map for one sandbox environment: the profile, its placement, an image the program accepts, and
 * `thresholds` (a stack file's, see {@link stackThresholds}) over the defaults.
 */
export function sandboxConfigValues(placement: SandboxPlacement, thresholds: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ...TEST_PROFILE,
    ...thresholds,
    environment: placement.environment,
    appNamespace: placement.environment,
    alertmanagerConfigPath: placement.alertmanagerConfigPath,
    alertmanagerSecretPath: placement.alertmanagerSecretPath,
    smtpSmarthost: placement.smtpSmarthost,
    smtpUsername: placement.smtpUsername,
    alertmanagerOwner: String(placement.alertmanagerOwner),
    pagingEnvironments: JSON.stringify(placement.pagingEnvironments),
    ...(placement.alertmanagerOwner ? { routedStacks: JSON.stringify((placement.routedEnvironments ?? []).map(routedStack)) } : {}),
    imageTag: "sandbox",
  };
}

/** The typed config of the profile, for code that derives values from thresholds (the simulator, the bounds). */
export function profileConfig(environment = "sandbox"): BillingConfig {
  // Required secrets get placeholders: this config is only read for thresholds and durations, never rendered.
  return parseConfig({
    stack: SANDBOX_STACK,
    values: {
      smtpPassword: "unused",
      grafanaToken: "unused",
      ...sandboxConfigValues({
        environment,
        alertmanagerConfigPath: "/sandbox/alertmanager",
        alertmanagerSecretPath: "/sandbox/secrets",
        smtpSmarthost: "127.0.0.1:587",
        smtpUsername: "sandbox",
        alertmanagerOwner: true,
        pagingEnvironments: [environment],
      }),
    },
    secretKeys: new Set(["smtpPassword", "grafanaToken"]),
  }, RELEASE_FEATURES);
}
