/**
 * parseConfig: defaults from the seed, and bad input rejected before anything is declared, every problem named by
 * its key, with the bad value (never a secret's) and what is allowed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { RELEASE_FEATURES } from "../../alerts/integrations";
import { ConfigError, CONFIG_SCHEMA, parseConfig, type RawConfig, SECRET_KEYS } from "../../config";
import { atLeast, type ReleaseFeature, releaseProblems } from "../../config/releases";
import { readStackFile } from "../../tools/engine/program";
import { BAD_CONFIG } from "../helpers/bad-config";

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
    parseConfig(input, RELEASE_FEATURES);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("defaults", () => {
  it("come from the seed, per stack", () => {
    const staging = parseConfig(raw(), RELEASE_FEATURES);
    const production = parseConfig(raw(PRODUCTION_VALUES, "production"), RELEASE_FEATURES);
    expect([staging, production].map((cfg) => [cfg.appNamespace, cfg.appDeployment, cfg.appContainer])).toEqual([
      ["rsolv-staging", "staging-rsolv-platform", "rsolv-platform"],
      ["rsolv-production", "rsolv-platform", "rsolv-platform"],
    ]);
    expect(staging.emailRecipients).toEqual({
      critical: ["admin@rsolv.dev", "billing-oncall@rsolv.dev"],
      warning: ["admin@rsolv.dev", "alerts@rsolv.dev"],
      info: ["alerts@rsolv.dev"],
      default: ["admin@rsolv.dev"],
    });
    expect(Object.values(staging.repeatIntervals).map((d) => d.text)).toEqual(["2h", "4h", "12h"]);
    expect([staging.paymentFailureWarningRatio, staging.paymentFailureWarningFor]).toEqual([0.1, { text: "15m", seconds: 900 }]);
    expect([staging.paymentFailureCriticalRatio, staging.paymentFailureCriticalFor]).toEqual([0.25, { text: "10m", seconds: 600 }]);
    // The seed's other thresholds, durations and windows (its alert rules).
    const seed = (ratio: number | undefined, duration: { text: string } | undefined) => [ratio, duration?.text];
    expect([
      seed(staging.webhookFailureRatio, staging.webhookFailureFor),
      seed(staging.webhookDurationP95Seconds, staging.webhookDurationFor),
      seed(staging.cancellationRatio, staging.cancellationFor),
      seed(staging.creditGrantP99Threshold, staging.creditGrantFor),
      seed(undefined, staging.webhookStalledWindow),
    ]).toEqual([
      [0.1, "15m"],
      [1, "20m"],
      [0.1, "1h"],
      [1000, "5m"],
      [undefined, "6h"],
    ]);
    expect([production.grafanaUrl, production.grafanaFolder, production.dashboardUid]).toEqual(["https://grafana.rsolv.dev", "Billing", "billing-metrics"]);
    expect(staging.monitoringNamespace).toBe("monitoring");
  });

  it("accept a list of recipients as JSON, as `pulumi config set --path` stores it", () => {
    const config = parseConfig(raw({ emailRecipients: JSON.stringify({ critical: ["a@x.dev"], warning: ["b@x.dev"], info: ["c@x.dev"], default: ["d@x.dev"] }) }), RELEASE_FEATURES);
    expect(config.emailRecipients.critical).toEqual(["a@x.dev"]);
  });

  it("every committed stack file parses with only the hand-set values added", () => {
    for (const stack of ["staging", "production"]) {
      const values = Object.fromEntries(Object.entries(readStackFile(stack)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
      expect(() => parseConfig(raw(values, stack), RELEASE_FEATURES)).not.toThrow();
    }
  });

  it("no committed stack file holds a secret in plain text (a secret there is `secure:`, set with --secret)", () => {
    for (const stack of ["staging", "production"]) {
      expect({ stack, plain: Object.keys(readStackFile(stack)).filter((key) => (SECRET_KEYS as readonly string[]).includes(key)) }).toEqual({ stack, plain: [] });
    }
  });
});


describe("business hours", () => {
  it("can run all week to midnight, as Alertmanager reads it", () => {
    const cfg = parseConfig(raw({ businessDays: "sunday:saturday", businessHoursStart: "00:00", businessHoursEnd: "24:00" }), RELEASE_FEATURES);
    expect([cfg.businessHoursTimezone, cfg.businessHoursStart, cfg.businessHoursEnd, cfg.businessDays]).toEqual(["UTC", "00:00", "24:00", "sunday:saturday"]);
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
    const cfg = parseConfig(raw({ emailRecipients: JSON.stringify({ critical: ["oncall@rsolv.dev"] }) }), RELEASE_FEATURES);
    expect(cfg.emailRecipients).toEqual({ critical: ["oncall@rsolv.dev"], warning: ["admin@rsolv.dev", "alerts@rsolv.dev"], info: ["alerts@rsolv.dev"], default: ["admin@rsolv.dev"] });
  });

  it.each(BAD_CONFIG)("%s is refused with a message naming the key", (_what, values, expected) => {
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

});

describe("image policy per environment", () => {
  const image = (values: Record<string, string>, stack = "staging") => parseConfig(raw(values, stack), RELEASE_FEATURES).image.reference;

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
    expect(parseConfig(raw(), RELEASE_FEATURES).promotionSourceStack).toBeUndefined();
    expect(parseConfig(raw(PRODUCTION_VALUES, "production"), RELEASE_FEATURES)).toMatchObject({ promotionSourceStack: "rsolv-dev/billing-monitoring/staging", skipPromotionGate: false });
    expect(parseConfig(raw({ ...PRODUCTION_VALUES, skipPromotionGate: "true" }, "production"), RELEASE_FEATURES)).toMatchObject({ promotionSourceStack: "rsolv-dev/billing-monitoring/staging", skipPromotionGate: true, routedStacks: [] });
  });

  it("the rollout timeout defaults to Pulumi's own ten minutes", () => {
    expect(parseConfig(raw(), RELEASE_FEATURES).rolloutTimeout).toEqual({ text: "10m", seconds: 600 });
  });
});

describe("the schema", () => {
  it("documents every key", () => {
    // A sentence or more for the README's reference: a word (or a code span) first, a full stop last, no two alike.
    const docs = Object.entries(CONFIG_SCHEMA).map(([key, spec]) => ({ key, sentence: /^[A-Za-z`][^\n]{19,}[.)]$/.test(spec.doc) }));
    expect(docs).toEqual(Object.keys(CONFIG_SCHEMA).map((key) => ({ key, sentence: true })));
    expect(new Set(Object.values(CONFIG_SCHEMA).map((spec) => spec.doc)).size).toBe(Object.keys(CONFIG_SCHEMA).length);
  });
});

describe("the releases a stack is written for", () => {
  it("default to the oldest supported ones, Debian 12's, and take MAJOR.MINOR as MAJOR.MINOR.0", () => {
    expect([parseConfig(raw(), RELEASE_FEATURES).prometheusVersion, parseConfig(raw(), RELEASE_FEATURES).alertmanagerVersion]).toEqual(["2.42.0", "0.25.0"]);
    const declared = parseConfig(raw({ prometheusVersion: "3.16", alertmanagerVersion: "0.35.1" }), RELEASE_FEATURES);
    expect([declared.prometheusVersion, declared.alertmanagerVersion]).toEqual(["3.16.0", "0.35.1"]);
  });

  it("a feature the declared release lacks is refused, naming the key and the release it needs", () => {
    const feature: ReleaseFeature<{ teams: boolean }> = { server: "alertmanager", minimum: "0.28.0", what: "billing-monitoring:teamsWebhookUrl (Microsoft Teams through msteamsv2_configs)", used: (c) => c.teams };
    expect(releaseProblems([feature], { teams: true }, { prometheus: "2.42.0", alertmanager: "0.25.0" }, "billing-monitoring")).toEqual([
      "billing-monitoring:teamsWebhookUrl (Microsoft Teams through msteamsv2_configs) needs Alertmanager 0.28.0 or later, but billing-monitoring:alertmanagerVersion is 0.25.0; if yours runs 0.28.0 or later, run: pulumi config set alertmanagerVersion <its version>",
    ]);
    expect(releaseProblems([feature], { teams: true }, { prometheus: "2.42.0", alertmanager: "0.28.0" }, "billing-monitoring")).toEqual([]);
    expect(releaseProblems([feature], { teams: false }, { prometheus: "2.42.0", alertmanager: "0.25.0" }, "billing-monitoring")).toEqual([]);
  });

  it("orders releases by number, not as text", () => {
    expect([atLeast("0.26.0", "0.26.0"), atLeast("0.100.0", "0.26.0"), atLeast("0.25.9", "0.26.0"), atLeast("3.0.0", "2.42.0")]).toEqual([true, true, false, true]);
  });
});

describe("alertmanagerBase: the part of the shared Alertmanager's configuration other teams keep", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "billing-base-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const owner = (base: string) => problemsOf(raw({ ...PRODUCTION_VALUES, alertmanagerBase: base }, "production"));

  it("is read and kept when it is an Alertmanager configuration with a root receiver it defines", () => {
    const base = file("ok.yml", "route:\n  receiver: platform\nreceivers:\n  - name: platform\n");
    expect(parseConfig(raw({ ...PRODUCTION_VALUES, alertmanagerBase: base }, "production"), RELEASE_FEATURES).alertmanagerBase).toEqual({ file: base, config: { route: { receiver: "platform" }, receivers: [{ name: "platform" }] } });
  });

  it.each([
    ["a receiver named like billing's", "route:\n  receiver: billing-critical\nreceivers:\n  - name: billing-critical\n", (f: string) => `billing-monitoring:alertmanagerBase: receiver "billing-critical" in ${f} is also a receiver of the billing subtree; rename it in the base (billing's are billing-critical, billing-warning, billing-info, billing-default, heartbeat, billing-non-paging, non-paging-watchdog, billing-email-failing)`],
    ["a time interval named like billing's", "route:\n  receiver: a\nreceivers:\n  - name: a\ntime_intervals:\n  - name: business-hours\n    time_intervals: []\n", (f: string) => `billing-monitoring:alertmanagerBase: time interval "business-hours" in ${f} is also billing's; rename it in the base`],
    ["a root receiver it does not define", "route:\n  receiver: nobody\nreceivers:\n  - name: a\n", (f: string) => `billing-monitoring:alertmanagerBase: "${f}" is not allowed: ${f}: route.receiver "nobody" is not one of its receivers (a)`],
    ["a key Alertmanager does not know", "route:\n  receiver: a\nreceivers:\n  - name: a\nroutes: []\n", (f: string) => `billing-monitoring:alertmanagerBase: "${f}" is not allowed: ${f}: "routes" is not a key of an Alertmanager configuration; allowed: global, templates, route, receivers, inhibit_rules, time_intervals, mute_time_intervals, tracing`],
  ])("refuses %s, naming it", (what, text, message) => {
    const base = file(`${what.replace(/\W+/g, "-")}.yml`, text);
    expect(owner(base)).toEqual([message(base)]);
  });

  it("refuses a missing file, and a base on a stack that does not write the configuration", () => {
    expect(owner(path.join(dir, "missing.yml"))).toEqual([`billing-monitoring:alertmanagerBase: "${path.join(dir, "missing.yml")}" is not allowed: no file ${path.join(dir, "missing.yml")}: give the path of the base configuration from the project root, e.g. alertmanager/base.yml`]);
    const base = file("staging.yml", "route:\n  receiver: a\nreceivers:\n  - name: a\n");
    expect(problemsOf(raw({ alertmanagerBase: base }))).toEqual(["billing-monitoring:alertmanagerBase is only read by the stack that writes the Alertmanager's configuration (alertmanagerOwner); remove it here, or set it on the owner"]);
  });
});

describe("a renamed key keeps its old name working (RENAMED_KEYS; the rename here is made up)", () => {
  const RENAMED = { paymentFailureThreshold: "paymentFailureWarningRatio" };

  it("GIVEN a stack file with the old name WHEN parsed THEN the value is the new key's, with a deprecation warning", () => {
    const config = parseConfig(raw({ paymentFailureThreshold: "0.2" }), RELEASE_FEATURES, RENAMED);
    expect(config.paymentFailureWarningRatio).toBe(0.2);
    expect(config.deprecations).toEqual(["billing-monitoring:paymentFailureThreshold is deprecated; rename it to paymentFailureWarningRatio"]);
  });

  it("GIVEN no entry for the old name THEN the stack file is refused: the entry is what keeps it working", () => {
    expect(() => parseConfig(raw({ paymentFailureThreshold: "0.2" }), RELEASE_FEATURES, {})).toThrow("billing-monitoring:paymentFailureThreshold is not a setting of this project");
  });

  it("GIVEN both names THEN it is refused: which value was meant?", () => {
    expect(() => parseConfig(raw({ paymentFailureThreshold: "0.2", paymentFailureWarningRatio: "0.15" }), RELEASE_FEATURES, RENAMED)).toThrow(
      "billing-monitoring:paymentFailureThreshold and billing-monitoring:paymentFailureWarningRatio are both set: paymentFailureThreshold is the deprecated name of paymentFailureWarningRatio; remove paymentFailureThreshold from Pulumi.staging.yaml",
    );
  });

  it("a renamed secret stays a secret under its new name", () => {
    const config = parseConfig(raw({ slackToken: "https://hooks.slack.example/x" }, "staging", ["smtpPassword", "grafanaToken", "slackToken"]), RELEASE_FEATURES, { slackToken: "slackWebhookUrl" });
    expect(config.secretsSet).toContain("slackWebhookUrl");
  });

  it("GIVEN an old name that is no longer a key of the schema THEN no warning: a stack file without it parses as before", () => {
    expect(parseConfig(raw(), RELEASE_FEATURES, RENAMED).deprecations).toBeUndefined();
  });
});
