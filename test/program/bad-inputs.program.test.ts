/**
 * Bad input through the program as the language host runs it (Pulumi's cmd/run, test/helpers/stack.ts): every row of
 * test/helpers/bad-config.ts and the cases only the program path can show (keys of another namespace, secrets as the
 * stack file stores them, what the stack references say). Each is refused before anything is declared, with its
 * exact message, and the committed rendered/ is left as it was.
 *
 * Rows that name one key and whose problem names no other are run several to a program run (each run costs a
 * program start): their problems must then come together, each exactly as alone, since a config error lists
 * every problem at once. The others run alone.
 */
import type { ProgramRun } from "../../tools/engine/run";
import { readTree, RENDERED } from "../../tools/render/render";
import { BAD_CONFIG } from "../helpers/bad-config";
import { attemptStack, type Overrides } from "../helpers/stack";

const errors = (run: ProgramRun): string[] => run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);
const types = (run: ProgramRun): string[] => run.resources.map((r) => r.type);

/** What a config error says, for these problems in any order. */
function configError(stack: string, problems: readonly string[]): string {
  return `Stack "${stack}" has ${problems.length} config problem${problems.length === 1 ? "" : "s"}; nothing was deployed:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}
const problemsIn = (message: string): string[] => message.split("\n  - ").slice(1).sort();

/** The rows of BAD_CONFIG in runs: single-key rows that name only their key share a run, up to `size`, keys apart. */
function batches(size: number): (typeof BAD_CONFIG)[number][][] {
  const alone = (row: (typeof BAD_CONFIG)[number]): boolean => {
    const keys = Object.keys(row[1]);
    const named = new Set([...row[2].matchAll(/billing-monitoring:(\w+)/g)].map((m) => m[1]));
    return keys.length !== 1 || named.size !== 1 || !named.has(keys[0]);
  };
  const shared: (typeof BAD_CONFIG)[number][][] = [];
  const solo: (typeof BAD_CONFIG)[number][][] = [];
  for (const row of BAD_CONFIG) {
    if (alone(row)) {
      solo.push([row]);
      continue;
    }
    const key = Object.keys(row[1])[0];
    const batch = shared.find((b) => b.length < size && b.every((other) => Object.keys(other[1])[0] !== key));
    if (batch) batch.push(row);
    else shared.push([row]);
  }
  return [...shared, ...solo];
}

// Over the smallest valid config the parser table assumes (test/config/config.test.ts): the tag it names.
const BASE = { imageTag: "v1.2.3" };

let renderedBefore: Map<string, string>;
beforeAll(() => {
  renderedBefore = readTree(RENDERED);
});
afterAll(() => {
  // Nothing here renders, and nothing may have written rendered/ on the way.
  expect(readTree(RENDERED)).toEqual(renderedBefore);
});

/** Every run of this file, started together (the program runner takes two at a time), awaited by its test. */
const started = new Map<string, Promise<ProgramRun>>();
function run(name: string, stack: string, overrides: Overrides): Promise<ProgramRun> {
  let pending = started.get(name);
  if (!pending) {
    pending = attemptStack(stack, { mode: "preview", ...overrides });
    started.set(name, pending);
  }
  return pending;
}
const runs = batches(12);
const batchName = (rows: readonly (typeof BAD_CONFIG)[number][]): string => rows.map(([what]) => what).join("; ");
const batchConfig = (rows: readonly (typeof BAD_CONFIG)[number][]): Record<string, string> => Object.assign({}, BASE, ...rows.map(([, values]) => values)) as Record<string, string>;
beforeAll(() => {
  for (const rows of runs) void run(batchName(rows), "staging", { config: batchConfig(rows) });
  for (const [what, stack, overrides] of PROGRAM_ONLY) void run(what, stack, overrides);
});

describe("every row of the bad-config table, through the program", () => {
  it("covers the table, and at least 50 distinct bad inputs", () => {
    expect(runs.flat()).toHaveLength(BAD_CONFIG.length);
    expect(new Set(BAD_CONFIG.map(([what]) => what)).size).toBe(BAD_CONFIG.length);
    expect(BAD_CONFIG.length + PROGRAM_ONLY.length).toBeGreaterThanOrEqual(50);
  });

  it.each(runs.map((rows) => [batchName(rows), rows] as const))("%s: refused at once, each with its message, nothing declared", async (name, rows) => {
    const result = await run(name, "staging", { config: batchConfig(rows) });
    expect({ exitCode: result.exitCode, types: types(result) }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack"] });
    const [message, ...more] = errors(result);
    expect(more).toEqual([]);
    expect(problemsIn(message)).toEqual(rows.map(([, , problem]) => problem).sort());
    expect(message.split("\n")[0]).toBe(configError("staging", rows.map(([, , problem]) => problem)).split("\n")[0]);
  });
});

// [what, stack, overrides, the whole error, what the run may declare besides the stack]
const PROGRAM_ONLY: [string, string, Overrides, string, string[]][] = [
  [
    "a misspelt project prefix",
    "staging",
    { config: { "billing-monitorng:imageTag": "v2" } },
    configError("staging", ["billing-monitorng:imageTag is not read: this project is billing-monitoring, so the setting would silently keep its default (did you mean billing-monitoring:imageTag?)"]),
    [],
  ],
  [
    "the SMTP password in plain text in the stack file",
    "production",
    { config: { smtpPassword: "plain-smtp-value" } },
    configError("production", ["billing-monitoring:smtpPassword is a secret but is stored in plain text in Pulumi.production.yaml; remove it there and run: pulumi config set --secret smtpPassword <value> --stack production"]),
    [],
  ],
  [
    "the Grafana token in plain text in the stack file",
    "staging",
    { config: { grafanaToken: "plain-grafana-value" } },
    configError("staging", ["billing-monitoring:grafanaToken is a secret but is stored in plain text in Pulumi.staging.yaml; remove it there and run: pulumi config set --secret grafanaToken <value> --stack staging"]),
    [],
  ],
  [
    "no Grafana token",
    "staging",
    { secrets: { grafanaToken: undefined } },
    configError("staging", ["billing-monitoring:grafanaToken is required and not set; run: pulumi config set --secret grafanaToken <value> --stack staging"]),
    [],
  ],
  [
    "no SMTP password for the Alertmanager's owner",
    "production",
    { secrets: { smtpPassword: undefined } },
    configError("production", ["billing-monitoring:smtpPassword is required: this stack owns the Alertmanager configuration (alertmanagerOwner), which sends email; run: pulumi config set --secret smtpPassword <value> --stack production"]),
    [],
  ],
  [
    "no SMTP password for a stack in operator mode (it writes an AlertmanagerConfig of its own)",
    "staging",
    { config: { prometheusOperator: "true" }, secrets: { smtpPassword: undefined } },
    configError("staging", ["billing-monitoring:smtpPassword is required: with prometheusOperator this stack writes its own AlertmanagerConfig, which sends email; run: pulumi config set --secret smtpPassword <value> --stack staging"]),
    [],
  ],
  [
    "a Slack webhook that is not a URL (its value never shown)",
    "staging",
    { secrets: { slackWebhookUrl: "hooks.slack.example/secret-path" } },
    configError("staging", ["billing-monitoring:slackWebhookUrl: (secret value not shown) is not allowed: must be an http:// or https:// URL"]),
    [],
  ],
  [
    "no image at all",
    "staging",
    { config: { imageTag: undefined } },
    configError("staging", ["billing-monitoring:imageTag or billing-monitoring:imageDigest must be set; run: pulumi config set imageTag <tag> --stack staging"]),
    [],
  ],
  [
    "a missing secret with two bad values: all three at once",
    "staging",
    { config: { appNamespace: "Bad_Name", webhookFailureRatio: "7" }, secrets: { grafanaToken: undefined } },
    configError("staging", [
      'billing-monitoring:appNamespace: "Bad_Name" is not allowed: must be a DNS-1123 label, as Kubernetes names namespaces and containers: lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit',
      "billing-monitoring:grafanaToken is required and not set; run: pulumi config set --secret grafanaToken <value> --stack staging",
      'billing-monitoring:webhookFailureRatio: "7" is not allowed: must be a ratio greater than 0 and less than 1 (0.1 means 10 %)',
    ]),
    [],
  ],
  [
    "a time zone Alertmanager would refuse, with a relative path: both at once",
    "staging",
    { config: { businessHoursTimezone: "europe/berlin", alertmanagerSecretPath: "secrets" } },
    configError("staging", [
      'billing-monitoring:businessHoursTimezone: "europe/berlin" is not allowed: must be spelt as the zone database spells it: Europe/Berlin (Alertmanager\'s zone names are case-sensitive)',
      'billing-monitoring:alertmanagerSecretPath: "secrets" is not allowed: it must be an absolute path (a mount path in the Alertmanager pod)',
    ]),
    [],
  ],
  [
    "a paging environment no routed stack has (a misspelling that would never page)",
    "production",
    { config: { pagingEnvironments: "prod" } },
    'billing-monitoring:pagingEnvironments: "prod" is not an environment this Alertmanager configuration routes, so no alert would ever page for it; allowed: production, staging (this stack\'s environment and those of routedStacks). Nothing was deployed.',
    ["pulumi:pulumi:StackReference"],
  ],
  [
    "production renamed to an environment its own pages do not name",
    "production",
    { config: { environment: "prod" } },
    'billing-monitoring:pagingEnvironments: "production" is not an environment this Alertmanager configuration routes, so no alert would ever page for it; allowed: prod, staging (this stack\'s environment and those of routedStacks). Nothing was deployed.',
    ["pulumi:pulumi:StackReference"],
  ],
  [
    "an image staging does not run",
    "production",
    { config: { imageTag: "billing-monitoring-20251202" } },
    "Promotion gate: ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251202 has not run in rsolv-dev/billing-monitoring/staging, which runs ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104; deploy it there first (pulumi up --stack rsolv-dev/billing-monitoring/staging), or, in an emergency only: pulumi config set billing-monitoring:skipPromotionGate true --stack production",
    ["pulumi:pulumi:StackReference"],
  ],
];

describe("what only the program path shows", () => {
  it.each(PROGRAM_ONLY)("%s: refused with its message, nothing declared", async (what, stack, overrides, message, reads) => {
    const result = await run(what, stack, overrides);
    expect({ exitCode: result.exitCode, types: types(result), errors: errors(result) }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack", ...reads], errors: [message] });
    for (const value of ["plain-smtp-value", "plain-grafana-value", "secret-path"]) expect(JSON.stringify(result.logs)).not.toContain(value);
  });

  it("a provider's own key is not taken for a misspelling", async () => {
    const run = await attemptStack("staging", { config: { "kubernetes:namespace": "default" }, mode: "preview" });
    expect(run.exitCode).toBe(0);
  });
});
