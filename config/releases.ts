/**
 * The Prometheus and Alertmanager releases a stack is written for. The stack declares them (`prometheusVersion`,
 * `alertmanagerVersion`, defaulting to the oldest supported: Debian 12's 2.42 and 0.25, what apt installs), so that
 * upgrading this project never writes a field the user's servers reject: Alertmanager refuses a whole configuration
 * over one unknown field, and a refused configuration applied by `pulumi up` takes routing down. A newer declared
 * release unlocks what it offers (e.g. a webhook URL read from a file); a feature a declared release lacks is refused
 * before anything is applied, naming the key and the release it needs.
 */
import { type Check, ok, problem } from "./checks";
import oldestSupported from "./oldest-supported.json";

export type ServerName = keyof typeof oldestSupported;

/** The oldest releases the stack supports: the compatibility checks of `npm test` run them. */
export const OLDEST_SUPPORTED: Readonly<Record<ServerName, string>> = oldestSupported;

/**
 * The config reloader sidecar's image by default: the release of prometheus-config-reloader the tests run
 * (tools/versions.json; a unit test keeps the two equal).
 */
export const RELOADER_IMAGE = "quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0";

/** The config key that declares each server's release. */
export const VERSION_KEY = { prometheus: "prometheusVersion", alertmanager: "alertmanagerVersion" } as const satisfies Record<ServerName, string>;

const RELEASE = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/** `0.28` or `0.28.1` as MAJOR.MINOR.PATCH (`0.28.0`), or undefined. */
export function normalizeRelease(raw: string): string | undefined {
  const match = RELEASE.exec(raw);
  return match ? `${Number(match[1])}.${Number(match[2])}.${Number(match[3] ?? 0)}` : undefined;
}

/** Whether `version` is `minimum` or later (both MAJOR.MINOR.PATCH). */
export function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** The check of a `…Version` key: a release, no older than the oldest supported. */
export function releaseOf(server: ServerName) {
  return (raw: string): Check<string> => {
    const version = normalizeRelease(raw);
    if (!version) return problem(`must be a release as MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. ${OLDEST_SUPPORTED[server]}`);
    if (!atLeast(version, OLDEST_SUPPORTED[server])) return problem(`is older than the oldest supported release, ${OLDEST_SUPPORTED[server]} (Debian 12's package)`);
    return ok(version);
  };
}

/** Alertmanager reads a webhook receiver's URL from a file (`url_file`) from 0.26 on. */
export const WEBHOOK_URL_FILE = "0.26.0";

/** A feature some stacks use that needs a newer release than the oldest supported. */
export interface ReleaseFeature<C> {
  readonly server: ServerName;
  /** The first release that has it. */
  readonly minimum: string;
  /** What the stack would write, and which config key asks for it (for the message). */
  readonly what: string;
  /** Whether this stack's config uses it. */
  readonly used: (config: C) => boolean;
}

/**
 * One sentence per feature the config uses that its declared releases lack, naming the feature, the key that
 * declares the release, and the release it needs.
 */
export function releaseProblems<C>(features: readonly ReleaseFeature<C>[], config: C, declared: Readonly<Record<ServerName, string>>, project: string): string[] {
  return features
    .filter((feature) => feature.used(config) && !atLeast(declared[feature.server], feature.minimum))
    .map(
      (feature) =>
        `${feature.what} needs ${feature.server === "prometheus" ? "Prometheus" : "Alertmanager"} ${feature.minimum} or later, but ${project}:${VERSION_KEY[feature.server]} is ${declared[feature.server]}; ` +
        `if yours runs ${feature.minimum} or later, run: pulumi config set ${VERSION_KEY[feature.server]} <its version>`,
    );
}
