/**
 * {@link parseConfig}, pure: the raw strings Pulumi holds for a stack in, a {@link BillingConfig} out, or one
 * {@link ConfigError} listing every bad value at once.
 */
import { METRICS } from "../promql/metrics";
import { BILLING_RECEIVER_NAMES, BUSINESS_HOURS } from "./alertmanager-names";
import { sloWindows } from "./slo-windows";
import type { AlertmanagerBase } from "./base";
import { OLDEST_SUPPORTED, type ReleaseFeature, releaseProblems } from "./releases";
import { CONFIG_SCHEMA, type ConfigKey, type FieldSpec, PRODUCTION, PROJECT, type RawValues, RENAMED_KEYS, SECRET_KEYS, type SecretKey, type Settings } from "./schema";

// ---------------------------------------------------------------------------------------------------------------------
// The typed result.

export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  /** What goes into the container spec: `repo:tag`, `repo@digest` or `repo:tag@digest`. */
  readonly reference: string;
}

/**
 * A stack's parsed config: every setting under its key's name ({@link Settings}, the schema's shape; no mapping), and
 * the few values derived from several keys.
 */
export type BillingConfig = Omit<Settings, "routedStacks"> & {
  readonly stack: string;
  /** Deprecated key names the stack file uses, one warning each for the program to log; absent when none. */
  readonly deprecations?: readonly string[];
  /** The app's image, from imageRepository, imageTag and imageDigest. */
  readonly image: ImageRef;
  /** The secret keys this stack sets (their values travel only as Pulumi secrets, never in this object). */
  readonly secretsSet: readonly SecretKey[];
  /** With alertmanagerOwner, the stacks whose alerts it routes: routedStacks, or by default promotionSourceStack (none with skipPromotionGate, which reads no other stack). */
  readonly routedStacks: readonly string[];
};

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

/**
 * The raw config with every deprecated key name (`renamed`: old → new) read as its new name, and a warning for each;
 * a key set under both names is a problem (which value was meant?).
 */
export function renameKeys(raw: RawConfig, renamed: Readonly<Record<string, string>>, problems: string[]): { raw: RawConfig; deprecations: string[] } {
  const values: Record<string, string> = { ...raw.values };
  const secretKeys = new Set(raw.secretKeys);
  const deprecations: string[] = [];
  for (const [old, key] of Object.entries(renamed)) {
    if (values[old] === undefined) continue;
    if (values[key] !== undefined) {
      problems.push(`${PROJECT}:${old} and ${PROJECT}:${key} are both set: ${old} is the deprecated name of ${key}; remove ${old} from Pulumi.${raw.stack}.yaml`);
    } else {
      values[key] = values[old];
      if (secretKeys.has(old)) secretKeys.add(key);
      deprecations.push(`${PROJECT}:${old} is deprecated; rename it to ${key}`);
    }
    delete values[old];
    secretKeys.delete(old);
  }
  return { raw: { ...raw, values, secretKeys }, deprecations };
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
      problems.push(`${PROJECT}:${key} is not a setting of this project${near ? ` (did you mean ${near}?)` : ""}; see the config reference in docs/config-reference.md`);
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
 * A base configuration the billing subtree cannot go into: read only by the stack that writes the configuration in
 * ConfigMap mode, and sharing no receiver or time interval name with billing's (one would silently replace the other).
 */
function baseProblems(base: AlertmanagerBase, config: BillingConfig): string[] {
  const key = `${PROJECT}:alertmanagerBase`;
  if (config.prometheusOperator) return [`${key} is not read with prometheusOperator: the operator builds the Alertmanager's configuration from its own base and every AlertmanagerConfig; remove it`];
  if (!config.alertmanagerOwner) return [`${key} is only read by the stack that writes the Alertmanager's configuration (alertmanagerOwner); remove it here, or set it on the owner`];
  const receivers = base.config.receivers.map((receiver) => receiver.name).filter((name) => BILLING_RECEIVER_NAMES.includes(name));
  const intervals = [...(base.config.time_intervals ?? []), ...(base.config.mute_time_intervals ?? [])].map((interval) => interval.name).filter((name) => name === BUSINESS_HOURS);
  return [
    ...receivers.map((name) => `${key}: receiver ${JSON.stringify(name)} in ${base.file} is also a receiver of the billing subtree; rename it in the base (billing's are ${BILLING_RECEIVER_NAMES.join(", ")})`),
    ...intervals.map((name) => `${key}: time interval ${JSON.stringify(name)} in ${base.file} is also billing's; rename it in the base`),
  ];
}

/**
 * Runs a check across keys only when every value it reads is there: a value that failed its own check is undefined,
 * and its problem is reported already. So every check runs on its own, also when other keys are bad, and every problem
 * is reported at once.
 */
function when<T extends readonly unknown[]>(values: { readonly [K in keyof T]: T[K] | undefined }, check: (...values: T) => void): void {
  if (values.every((value) => value !== undefined)) check(...(values as unknown as T));
}

/** Checks across keys (see {@link when}). */
function crossChecks(config: BillingConfig, problems: string[]): void {
    when([config.paymentFailureCriticalRatio, config.paymentFailureWarningRatio], (critical, warning) => {
    if (critical <= warning) problems.push(`${PROJECT}:paymentFailureCriticalRatio (${critical}) must be greater than ${PROJECT}:paymentFailureWarningRatio (${warning})`);
  });
  const scrape = config.scrapeInterval;
  const windows = { rateWindow: config.rateWindow, cancellationWindow: config.cancellationWindow, creditGrantWindow: config.creditGrantWindow, webhookStalledWindow: config.webhookStalledWindow, alertingPipelineWindow: config.alertingPipelineWindow };
  for (const [key, window] of Object.entries(windows)) {
    when([window, scrape], (window, scrape) => {
      const minWindow = 4 * scrape.seconds;
      if (window.seconds < minWindow) {
        problems.push(`${PROJECT}:${key}: "${window.text}" is not allowed: a rate window must be at least 4× scrapeInterval (${scrape.text}), i.e. ${minWindow}s, or a single missed scrape empties it`);
      }
    });
  }
  when([config.sloPeriod, scrape], (period, scrape) => {
    // The SLIs are counted over the shortest burn window, 5 minutes at a 30-day period.
    const [sloBase, minWindow] = [sloWindows(config).base.seconds, 4 * scrape.seconds];
    if (sloBase < minWindow) {
      problems.push(`${PROJECT}:sloPeriod: "${period.text}" is not allowed: its shortest burn window (5m at 30d, scaled) would be ${sloBase}s, under 4× scrapeInterval (${scrape.text}); use at least ${Math.ceil((minWindow * 30 * 86400) / 300 / 3600)}h`);
    }
  });
  when([config.alertingPipelineWindow, config.groupInterval], (window, groupInterval) => {
    // Alertmanager retries a failed notification once a group interval: a shorter window sees one failure at a time.
    if (window.seconds < 3 * groupInterval.seconds) {
      problems.push(`${PROJECT}:alertingPipelineWindow: "${window.text}" is not allowed: it must be at least 3× groupInterval (${groupInterval.text}), or a channel that keeps failing looks healthy between Alertmanager's retries`);
    }
  });
  when([config.metricsAbsentFor, scrape], (absentFor, scrape) => {
    if (absentFor.seconds < 2 * scrape.seconds) {
      problems.push(`${PROJECT}:metricsAbsentFor: "${absentFor.text}" is not allowed: it must be at least 2× scrapeInterval (${scrape.text}) so one failed scrape does not fire it`);
    }
  });
  for (const [key, metric, thresholdSeconds] of [
    ["webhookLatencyThresholdSeconds", METRICS.webhookDuration, config.webhookLatencyThresholdSeconds],
    ["apiLatencyThresholdSeconds", METRICS.phoenixRequestDuration, config.apiLatencyThresholdSeconds],
  ] as const) {
    const bounds = metric.buckets.map((bound) => bound / metric.unitsPerSecond);
    if (thresholdSeconds === undefined) continue;
    if (thresholdSeconds < bounds[0] || thresholdSeconds > bounds[bounds.length - 1]) {
      problems.push(`${PROJECT}:${key}: ${thresholdSeconds} is not allowed: ${metric.name} only tells requests apart between its bucket bounds, ${bounds[0]} s and ${bounds[bounds.length - 1]} s`);
    }
  }
  when([config.businessHoursStart, config.businessHoursEnd], (start, end) => {
    if (start >= end) problems.push(`${PROJECT}:businessHoursStart (${start}) must be before ${PROJECT}:businessHoursEnd (${end})`);
  });
  if (config.smtpLogin === "smtp-token" && !config.smtpUsername) {
    problems.push(`${PROJECT}:smtpUsername is required with smtpLogin smtp-token (the Postmark SMTP token's access key); run: pulumi config set smtpUsername <access key> --stack ${config.stack}`);
  }
  if (config.environment === PRODUCTION && !config.promotionSourceStack) {
    problems.push(`${PROJECT}:promotionSourceStack is required in production (the stack whose exported image production must run); run: pulumi config set promotionSourceStack <organization>/${PROJECT}/staging --stack ${config.stack}`);
  }
  if (config.prometheusOperator) {
    if (config.smtpLogin === "server-token") {
      problems.push(`${PROJECT}:smtpLogin: "server-token" is not allowed with prometheusOperator: the server token would be the SMTP username, and an AlertmanagerConfig holds the username in plain text (only the password is a Secret reference); allowed: smtp-token`);
    }
    when([config.businessHoursTimezone], (timezone) => {
      if (timezone !== "UTC") {
        problems.push(`${PROJECT}:businessHoursTimezone: "${timezone}" is not allowed with prometheusOperator: an AlertmanagerConfig's time intervals (v1alpha1) have no time zone and Alertmanager reads them as UTC; allowed: UTC (give businessHoursStart and businessHoursEnd in UTC)`);
      }
    });
  }
  for (const key of ["alertmanagerConfigPath", "alertmanagerSecretPath"] as const) {
    const value = config[key];
    if (value !== undefined && !value.startsWith("/")) problems.push(`${PROJECT}:${key}: "${value}" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)`);
  }
  when([config.alertmanagerConfigPath, config.alertmanagerSecretPath], (configPath, secretPath) => {
    const [config, secret] = [configPath.replace(/\/+$/, ""), secretPath.replace(/\/+$/, "")];
    if (config === secret || config.startsWith(`${secret}/`) || secret.startsWith(`${config}/`)) {
      problems.push(`${PROJECT}:alertmanagerConfigPath ("${configPath}") and ${PROJECT}:alertmanagerSecretPath ("${secretPath}") must be separate directories: two volumes cannot be mounted at one path, nor one inside the other`);
    }
  });
}

/**
 * Checks a stack's raw config and returns it typed. Throws a {@link ConfigError} naming every bad key, its value
 * (never a secret's) and what is allowed. `releaseFeatures` are what a stack may use that needs a newer Prometheus or
 * Alertmanager than the oldest supported (the integrations' RELEASE_FEATURES, alerts/integrations.ts): each is refused
 * unless the stack declares a release that has it (`prometheusVersion`, `alertmanagerVersion`). They are given, not
 * imported: config/ reads nothing of alerts/.
 */
export function parseConfig(given: RawConfig, releaseFeatures: readonly ReleaseFeature<BillingConfig>[], renamed: Readonly<Record<string, string>> = RENAMED_KEYS): BillingConfig {
  const problems: string[] = [];
  const { raw, deprecations } = renameKeys(given, renamed, problems);
  const v = readValues(raw, problems);
  const image = imageRef(v, raw, problems);
  // A value that failed its check is undefined here and already reported; the checks below skip it (when()).
  const settings = Object.fromEntries(Object.entries(v).filter(([key]) => !(SECRET_KEYS as readonly string[]).includes(key))) as unknown as Settings;
  const config: BillingConfig = {
    ...settings,
    stack: raw.stack,
    ...(deprecations.length > 0 ? { deprecations } : {}),
    image,
    secretsSet: SECRET_KEYS.filter((key) => raw.values[key] !== undefined),
    routedStacks: v.alertmanagerOwner ? (v.routedStacks ?? (v.promotionSourceStack && !v.skipPromotionGate ? [v.promotionSourceStack] : [])) : [],
  };
  if (config.prometheusOperator && raw.values.smtpPassword === undefined) {
    problems.push(`${PROJECT}:smtpPassword is required: with prometheusOperator this stack writes its own AlertmanagerConfig, which sends email; run: ${setSecretCommand("smtpPassword", raw.stack)}`);
  } else if (config.alertmanagerOwner && raw.values.smtpPassword === undefined) {
    problems.push(`${PROJECT}:smtpPassword is required: this stack owns the Alertmanager configuration (alertmanagerOwner), which sends email; run: ${setSecretCommand("smtpPassword", raw.stack)}`);
  }
  crossChecks(config, problems);
  if (v.alertmanagerBase) problems.push(...baseProblems(v.alertmanagerBase, config));
  problems.push(...releaseProblems(releaseFeatures, config, { prometheus: v.prometheusVersion ?? OLDEST_SUPPORTED.prometheus, alertmanager: v.alertmanagerVersion ?? OLDEST_SUPPORTED.alertmanager }, PROJECT));
  if (problems.length > 0) throw new ConfigError(raw.stack, problems);
  return config;
}

