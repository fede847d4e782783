/**
 * parseConfig: defaults from the seed, and bad input rejected before anything is declared, every problem named by
 * its key, with the bad value (never a secret's) and what is allowed.
 */
import { ConfigError, CONFIG_SCHEMA, parseConfig, type RawConfig, SECRET_KEYS } from "../config";
import { readStackFile } from "../scripts/program";
import { runStack } from "./helpers/stack";

/** The smallest valid raw config: what a user must set by hand. */
function raw(values: Record<string, string> = {}, stack = "staging", secretKeys = ["smtpPassword", "grafanaToken"]): RawConfig {
  return {
    stack,
    values: { imageTag: "v1.2.3", smtpUsername: "access-key", smtpPassword: "pw-value", grafanaToken: "token-value", ...values },
    secretKeys: new Set(secretKeys),
  };
}

/** What production needs on top: a pinned image and the stack it is promoted from. */
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const PRODUCTION_VALUES = { imageDigest: DIGEST, promotionSourceStack: "rsolv-dev/billing-monitoring/staging" };

function problemsOf(input: RawConfig): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("defaults", () => {
  it("come from the seed, per stack", () => {
    const staging = parseConfig(raw());
    const production = parseConfig(raw(PRODUCTION_VALUES, "production"));
    expect([staging.app, production.app].map((app) => [app.namespace, app.deployment, app.container])).toEqual([
      ["rsolv-staging", "staging-rsolv-platform", "rsolv-platform"],
      ["rsolv-production", "rsolv-platform", "rsolv-platform"],
    ]);
    expect(staging.alerting.recipients).toEqual({
      critical: ["admin@rsolv.dev", "billing-oncall@rsolv.dev"],
      warning: ["admin@rsolv.dev", "alerts@rsolv.dev"],
      info: ["alerts@rsolv.dev"],
      default: ["admin@rsolv.dev"],
    });
    expect(Object.values(staging.alerting.repeatIntervals).map((d) => d.text)).toEqual(["2h", "4h", "12h"]);
    expect(staging.thresholds.paymentFailureWarning).toEqual({ ratio: 0.1, for: { text: "15m", seconds: 900 } });
    expect(staging.thresholds.paymentFailureCritical).toEqual({ ratio: 0.25, for: { text: "10m", seconds: 600 } });
    expect(production.grafana).toEqual({ url: "https://grafana.rsolv.dev", folder: "Billing", dashboardUid: "billing-metrics" });
    expect(staging.monitoring.namespace).toBe("monitoring");
  });

  it("accept a list of recipients as JSON, as `pulumi config set --path` stores it", () => {
    const config = parseConfig(raw({ emailRecipients: JSON.stringify({ critical: ["a@x.dev"], warning: ["b@x.dev"], info: ["c@x.dev"], default: ["d@x.dev"] }) }));
    expect(config.alerting.recipients.critical).toEqual(["a@x.dev"]);
  });

  it("every committed stack file parses with only the hand-set values added", () => {
    for (const stack of ["staging", "production"]) {
      const values = Object.fromEntries(Object.entries(readStackFile(stack)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
      expect(() => parseConfig(raw(values, stack))).not.toThrow();
    }
  });

  it("no committed stack file holds a secret in plain text (a secret there is `secure:`, set with --secret)", () => {
    for (const stack of ["staging", "production"]) {
      expect({ stack, plain: Object.keys(readStackFile(stack)).filter((key) => (SECRET_KEYS as readonly string[]).includes(key)) }).toEqual({ stack, plain: [] });
    }
  });
});

const recipients = (critical: unknown) => JSON.stringify({ critical, warning: ["a@rsolv.dev"], info: ["a@rsolv.dev"], default: ["a@rsolv.dev"] });

// [what, raw values, expected problem (exact)]
const BAD_INPUTS: [string, Record<string, string>, string][] = [
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
    'billing-monitoring:appNamespace: "Rsolv_Staging" is not allowed: must be a Kubernetes namespace name: lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit',
  ],
  ["bad duration", { paymentFailureWarningFor: "15 minutes" }, 'billing-monitoring:paymentFailureWarningFor: "15 minutes" is not allowed: must be a Prometheus duration such as 30s, 15m, 1h30m or 6h'],
  ["unknown login", { smtpLogin: "oauth" }, 'billing-monitoring:smtpLogin: "oauth" is not allowed: must be one of: smtp-token, server-token'],
  ["smarthost without port", { smtpSmarthost: "smtp.postmarkapp.com" }, 'billing-monitoring:smtpSmarthost: "smtp.postmarkapp.com" is not allowed: must be host:port, e.g. smtp.postmarkapp.com:587'],
  ["unknown time zone", { businessHoursTimezone: "Mars/Olympus_Mons" }, 'billing-monitoring:businessHoursTimezone: "Mars/Olympus_Mons" is not allowed: must be an IANA time zone such as UTC or Europe/Berlin'],
  ["bad Grafana URL", { grafanaUrl: "grafana.rsolv.dev" }, 'billing-monitoring:grafanaUrl: "grafana.rsolv.dev" is not allowed: must be an http:// or https:// URL'],
  ["misspelt key", { paymentFailureWarningRatoi: "0.2" }, "billing-monitoring:paymentFailureWarningRatoi is not a setting of this project (did you mean paymentFailureWarningRatio?); see the config reference in README.md"],
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
];

describe("business hours", () => {
  it("can run all week to midnight, as Alertmanager reads it", () => {
    const cfg = parseConfig(raw({ businessDays: "sunday:saturday", businessHoursStart: "00:00", businessHoursEnd: "24:00" }));
    expect(cfg.alerting.businessHours).toEqual({ timezone: "UTC", start: "00:00", end: "24:00", days: "sunday:saturday" });
  });
});

describe("bad input", () => {
  it("reports a cross-field problem together with a per-key one, not after it is fixed", () => {
    const problems = problemsOf(raw({ appNamespace: "Bad_Name", alertmanagerSecretPath: "relative/secrets" }));
    expect(problems).toEqual([
      expect.stringMatching(/^billing-monitoring:appNamespace: "Bad_Name" is not allowed/),
      'billing-monitoring:alertmanagerSecretPath: "relative/secrets" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)',
    ]);
  });

  it("takes a per-severity key left out from its default: the README's --path example changes one severity", () => {
    // What `pulumi config set --path 'emailRecipients.critical[0]' oncall@rsolv.dev` stores.
    const cfg = parseConfig(raw({ emailRecipients: JSON.stringify({ critical: ["oncall@rsolv.dev"] }) }));
    expect(cfg.alerting.recipients).toEqual({ critical: ["oncall@rsolv.dev"], warning: ["admin@rsolv.dev", "alerts@rsolv.dev"], info: ["alerts@rsolv.dev"], default: ["admin@rsolv.dev"] });
  });

  it.each(BAD_INPUTS)("%s is refused with a message naming the key", (_what, values, expected) => {
    expect(problemsOf(raw(values))).toEqual([expected]);
  });

  it("a missing secret names the exact command to set it", () => {
    const input = raw();
    const { grafanaToken: _dropped, ...values } = input.values;
    expect(problemsOf({ ...input, values })).toEqual([
      "billing-monitoring:grafanaToken is required and not set; run: pulumi config set --secret grafanaToken <value> --stack staging",
    ]);
  });

  it("a secret stored in plain text is refused, without echoing it", () => {
    const problems = problemsOf(raw(PRODUCTION_VALUES, "production", ["grafanaToken"]));
    expect(problems).toEqual([
      "billing-monitoring:smtpPassword is a secret but is stored in plain text in Pulumi.production.yaml; remove it there and run: pulumi config set --secret smtpPassword <value> --stack production",
    ]);
    expect(problems.join("\n")).not.toContain("pw-value");
  });

  it("a bad secret value is described without its value", () => {
    const problems = problemsOf(raw({ slackWebhookUrl: "hooks.slack.example/secret-path" }, "staging", ["smtpPassword", "grafanaToken", "slackWebhookUrl"]));
    expect(problems).toEqual(["billing-monitoring:slackWebhookUrl: (secret value not shown) is not allowed: must be an http:// or https:// URL"]);
  });

  it("no image at all names both keys", () => {
    const input = raw();
    const { imageTag: _dropped, ...values } = input.values;
    expect(problemsOf({ ...input, values })).toEqual([
      "billing-monitoring:imageTag or billing-monitoring:imageDigest must be set; run: pulumi config set imageTag <tag> --stack staging",
    ]);
  });

  it("several bad values are reported together, in one error", () => {
    const problems = problemsOf(raw({ appNamespace: "Bad_Name", paymentFailureWarningRatio: "2", imageTag: "latest", emailFrom: "nobody" }));
    expect(problems.map((line) => line.split(/[: ]/)[1])).toEqual(["appNamespace", "emailFrom", "paymentFailureWarningRatio", "imageTag"]);
  });

  it("through the program: the stack fails before any resource is declared, listing every problem", async () => {
    await expect(runStack("staging", { config: { appNamespace: "Bad_Name", webhookFailureRatio: "7" }, secrets: { grafanaToken: undefined as unknown as string } })).rejects.toThrow(
      /Stack "staging" has 3 config problems; nothing was deployed:\n  - billing-monitoring:appNamespace: "Bad_Name" is not allowed: .*\n  - billing-monitoring:grafanaToken is required and not set; .*\n  - billing-monitoring:webhookFailureRatio: "7" is not allowed/s,
    );
  });
});

describe("image policy per environment", () => {
  const image = (values: Record<string, string>, stack = "staging") => parseConfig(raw(values, stack)).app.image.reference;

  it("staging may run a tag alone", () => {
    expect(image({ imageTag: "v1.2.3" })).toBe("ghcr.io/rsolv-dev/rsolv-platform:v1.2.3");
  });

  it("production runs a tag pinned by its digest", () => {
    expect(image({ ...PRODUCTION_VALUES, imageTag: "v1.2.3" }, "production")).toBe(`ghcr.io/rsolv-dev/rsolv-platform:v1.2.3@${DIGEST}`);
  });

  it("production runs a tag alone only with allowMutableTag", () => {
    const values = { promotionSourceStack: PRODUCTION_VALUES.promotionSourceStack, imageTag: "v1.2.3" };
    expect(problemsOf(raw(values, "production"))).toHaveLength(1);
    expect(image({ ...values, allowMutableTag: "true" }, "production")).toBe("ghcr.io/rsolv-dev/rsolv-platform:v1.2.3");
  });

  it("the gate is on only where a source stack is named, and the override is recorded", () => {
    expect(parseConfig(raw()).promotion).toBeUndefined();
    expect(parseConfig(raw(PRODUCTION_VALUES, "production")).promotion).toEqual({ sourceStack: "rsolv-dev/billing-monitoring/staging", skip: false });
    expect(parseConfig(raw({ ...PRODUCTION_VALUES, skipPromotionGate: "true" }, "production")).promotion).toEqual({ sourceStack: "rsolv-dev/billing-monitoring/staging", skip: true });
  });

  it("the rollout timeout defaults to Pulumi's own ten minutes", () => {
    expect(parseConfig(raw()).app.rolloutTimeout).toEqual({ text: "10m", seconds: 600 });
  });
});

describe("the schema", () => {
  it("documents every key", () => {
    for (const [key, spec] of Object.entries(CONFIG_SCHEMA)) expect({ key, doc: spec.doc.length > 10 }).toEqual({ key, doc: true });
  });
});
