/** The one Pulumi-facing part: reads the current stack's config and hands its secrets on as Pulumi secrets. */
import * as pulumi from "@pulumi/pulumi";

import { type BillingConfig, ConfigError, parseConfig } from "./parse";
import type { ReleaseFeature } from "./releases";
import { PROJECT, RENAMED_KEYS, SECRET_KEYS, type SecretKey } from "./schema";

// ---------------------------------------------------------------------------------------------------------------------
// Pulumi-facing.

/** Secret config values, as Pulumi secrets. Optional ones are undefined when unset. */
export type Secrets = { readonly [K in SecretKey]: K extends "grafanaToken" ? pulumi.Output<string> : pulumi.Output<string> | undefined };

/**
 * An error for the user, as Pulumi should show it: a RunError prints its message alone. Its stack is dropped too:
 * Pulumi's cmd/run also formats every uncaught error with util.inspect for its tracing span, and on Node 20 that
 * takes ~25 s for an error raised inside the program (a `pulumi preview` with a config error would hang that long
 * before it exits). Pulumi's own run.js clears `stack` on the errors it raises for the same kind of reason.
 */
export function stackless<E extends Error>(error: E): E {
  error.stack = undefined;
  return error;
}

/**
 * Reads the current stack's config, checks it whole (`releaseFeatures`: see parseConfig), and returns it with its
 * secrets as Pulumi secrets.
 */
export function loadConfig(releaseFeatures: readonly ReleaseFeature<BillingConfig>[]): { config: BillingConfig; secrets: Secrets } {
  const prefix = `${PROJECT}:`;
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  // isConfigSecret is exported by the runtime but not declared in its typings.
  const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
  const otherKeys: string[] = [];
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) {
      otherKeys.push(fullKey);
      continue;
    }
    const key = fullKey.slice(prefix.length);
    values[key] = value;
    if (isConfigSecret(fullKey)) secretKeys.add(key);
  }
  const stack = pulumi.getStack();
  let config: BillingConfig;
  try {
    config = parseConfig({ stack, values, secretKeys, otherKeys }, releaseFeatures);
  } catch (error) {
    if (error instanceof ConfigError) throw stackless(new pulumi.RunError(error.message));
    throw error;
  }
  for (const deprecation of config.deprecations ?? []) pulumi.log.warn(deprecation);
  const cfg = new pulumi.Config(PROJECT);
  /** A secret under its key, or under a deprecated name of it (RENAMED_KEYS). */
  const secret = (key: SecretKey): pulumi.Output<string> | undefined =>
    [key, ...Object.keys(RENAMED_KEYS).filter((old) => RENAMED_KEYS[old] === key)].map((name) => cfg.getSecret(name)).find((value) => value !== undefined);
  const required = (key: SecretKey): pulumi.Output<string> => secret(key) ?? cfg.requireSecret(key);
  return {
    config,
    secrets: {
      // Only a stack that writes Alertmanager configuration sends email.
      smtpPassword: config.alertmanagerOwner || config.prometheusOperator ? required("smtpPassword") : secret("smtpPassword"),
      grafanaToken: required("grafanaToken"),
      // Every other secret is optional: its feature is off when unset.
      ...Object.fromEntries(SECRET_KEYS.filter((key) => key !== "smtpPassword" && key !== "grafanaToken").map((key) => [key, secret(key)])),
    } as Secrets,
  };
}

