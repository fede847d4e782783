/**
 * Secrets land only in Kubernetes Secrets or provider credentials, marked secret there, and nowhere else: no
 * ConfigMap, no other input, no stack output, nothing the program logs or prints.
 */
import { parse } from "yaml";

import { INTEGRATIONS } from "../../alerts/integrations";
import { OLDEST_SUPPORTED } from "../../config/releases";
import type { StackRun } from "../../tools/engine/program";
import { integrationsOn, runStack, single, TEST_SECRETS, TYPES } from "../helpers/stack";

/** The heartbeat and every integration the oldest release has: the heartbeat URL then sits inside the configuration. */
const OLDEST_INTEGRATIONS = integrationsOn(OLDEST_SUPPORTED.alertmanager);
const ALL_SECRETS = { ...TEST_SECRETS, ...OLDEST_INTEGRATIONS.secrets, heartbeatUrl: "https://heartbeat.example/ping/test-only-heartbeat-path" };

/** Where each secret may appear: resource type and the input path it sits under. */
const ALLOWED_PLACES = [TYPES.secret, TYPES.grafanaProvider];

function placesOf(run: StackRun, value: string) {
  return run.resources
    .filter((resource) => JSON.stringify(resource.inputs).includes(value))
    .map((resource) => ({ type: resource.type, name: resource.name, secretPaths: resource.secretPaths }));
}

function expectOnlyInSecretPlaces(run: StackRun, secrets: Record<string, string>) {
  for (const [key, value] of Object.entries(secrets)) {
    const places = placesOf(run, value);
    expect({ key, found: places.length > 0 }).toEqual({ key, found: true });
    for (const place of places) {
      expect({ key, type: place.type, allowed: (ALLOWED_PLACES as readonly string[]).includes(place.type) }).toEqual({ key, type: place.type, allowed: true });
      // Marked secret on the input that carries it.
      expect({ key, secretPaths: place.secretPaths }).toEqual({ key, secretPaths: expect.arrayContaining([expect.stringMatching(/^(stringData|auth)/)]) });
    }
    expect({ key, inOutputs: JSON.stringify(run.outputs).includes(value) }).toEqual({ key, inOutputs: false });
    // Debug lines are left out: they are the SDK's own RPC traces (shown only with --debug), which print the engine's
    // answers as received, secrets included.
    const printed = JSON.stringify([run.logs.filter((entry) => entry.severity !== "debug"), run.stdout, run.stderr]);
    expect({ key, inLogs: printed.includes(value) }).toEqual({ key, inLogs: false });
  }
}

describe("secrets of the staging stack, which writes no Alertmanager configuration", () => {
  it("the Grafana token appears only in the Grafana provider; an SMTP password set anyway goes nowhere", async () => {
    const run = await runStack("staging", { secrets: ALL_SECRETS });
    expectOnlyInSecretPlaces(run, { grafanaToken: ALL_SECRETS.grafanaToken });
    expect(single(run, TYPES.grafanaProvider).secretPaths).toContain("auth");
    expect(run.resources.filter((r) => r.type === TYPES.secret)).toEqual([]);
    const everything = JSON.stringify([run.resources.map((r) => r.inputs), run.outputs, run.logs, run.stdout, run.stderr]);
    for (const [key, value] of Object.entries(ALL_SECRETS).filter(([key]) => key !== "grafanaToken")) expect({ key, found: everything.includes(value) }).toEqual({ key, found: false });
  });
});

describe.each(["production"])("secrets of the %s stack", (stack) => {
  it("the SMTP password and Grafana token appear only in the Secret and the Grafana provider, marked secret", async () => {
    const run = await runStack(stack);
    expectOnlyInSecretPlaces(run, TEST_SECRETS);
    expect(single(run, TYPES.grafanaProvider).secretPaths).toContain("auth");
    expect(single(run, TYPES.secret).secretPaths).toContain("stringData");
  });

  it("with every integration of the oldest release and a heartbeat on, every secret still lands only in the Secret", async () => {
    const run = await runStack(stack, { secrets: ALL_SECRETS });
    expectOnlyInSecretPlaces(run, ALL_SECRETS);
    // The heartbeat URL must be inline (no url_file in Alertmanager 0.25), so the whole configuration moves to the Secret.
    const configMap = run.resources.find((r) => r.name === "billing-alertmanager-config")!;
    expect(Object.keys(configMap.inputs.data as object)).toEqual(["billing-email.tmpl"]);
    const stringData = single(run, TYPES.secret).inputs.stringData as Record<string, string>;
    expect(Object.keys(stringData).sort()).toEqual(["alertmanager.yml", "smtp-password", ...INTEGRATIONS.filter((i) => i.secret in OLDEST_INTEGRATIONS.secrets).map((i) => i.file)].sort());
    const config = parse(stringData["alertmanager.yml"]);
    expect(config.receivers.find((r: { name: string }) => r.name === "heartbeat").webhook_configs[0].url).toBe(ALL_SECRETS.heartbeatUrl);
    expect(run.outputs.alertmanagerConfigFile).toBe("/etc/alertmanager/secrets/billing/alertmanager.yml");
    expect(run.secretOutputs).toContain("alertmanagerConfigHash");
  });

  it("with every integration on, on the release the newest of them needs, each secret lands only in the Secret, as its own file", async () => {
    const all = integrationsOn();
    const run = await runStack(stack, all);
    expectOnlyInSecretPlaces(run, { ...TEST_SECRETS, ...all.secrets });
    const stringData = single(run, TYPES.secret).inputs.stringData as Record<string, string>;
    for (const integration of INTEGRATIONS) expect({ file: integration.file, value: stringData[integration.file] }).toEqual({ file: integration.file, value: all.secrets[integration.secret] });
  });

  it("with the server-token login, the token is username and password and the configuration lives in the Secret", async () => {
    const run = await runStack(stack, { config: { smtpLogin: "server-token", smtpUsername: undefined } });
    expectOnlyInSecretPlaces(run, TEST_SECRETS);
    const stringData = single(run, TYPES.secret).inputs.stringData as Record<string, string>;
    const config = parse(stringData["alertmanager.yml"]);
    expect(config.global.smtp_auth_username).toBe(TEST_SECRETS.smtpPassword);
    expect(stringData["smtp-password"]).toBe(TEST_SECRETS.smtpPassword);
  });
});
