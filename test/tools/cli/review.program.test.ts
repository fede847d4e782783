/**
 * `npm run review`: the change summary between two revisions of a scratch repository made from this project's
 * tracked files, run as a reviewer runs it (tools/cli/review.ts in that repository, as a child process). One revision
 * pair carries one change of each kind, each judged by its own line; a revision that changes no deployed file says so
 * (through the pull-request workflow's own step).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { INTEGRATIONS } from "../../../alerts/integrations";
import { ROOT } from "../../../tools/engine/program";
import { thresholdPercent } from "../../helpers/promtool-cases";
import { anotherWarningRatio, integrationsOn, stackConfig } from "../../helpers/stack";
import { scratchProject, setStackConfig, tempDir } from "../../helpers/tools";

let scratch: { dir: string; remove: () => void };
const git = (...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.name=review-test", "-c", "user.email=review-test@example.invalid", ...args], { cwd: scratch.dir, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
};
/** Renders keep their runs on disk (tools/engine/program.ts, RUN_CACHE): a revision whose program is the same renders once. */
const RENDER_CACHE = { BILLING_MONITORING_RUN_CACHE: "render" };
const review = (...args: string[]) => spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/review.ts", ...args], { cwd: scratch.dir, encoding: "utf8", env: { ...process.env, ...RENDER_CACHE } });
const append = (file: string, text: string) => fs.appendFileSync(path.join(scratch.dir, file), text);
/** Every integration switched on, each secret as a stack file holds it (encrypted), with the release they need. */
const INTEGRATIONS_ON = integrationsOn();
const ciphertext = (key: string): string => `v1:dGVzdC1vbmx5:${Buffer.from(`${key}-ciphertext`).toString("base64")}`;

/** Production's settings the change moves, before → after: after is always another value than before. */
const PRODUCTION = stackConfig("production");
const other = <T>(before: T, after: T, otherwise: T): [T, T] => [before, before === after ? otherwise : after];
const CHANGE = {
  warningRatio: [PRODUCTION.paymentFailureWarningRatio, anotherWarningRatio(PRODUCTION)],
  warningFor: other(PRODUCTION.paymentFailureWarningFor.text, "10m", "12m"),
  criticalRepeat: other(PRODUCTION.repeatIntervals.critical.text, "30m", "45m"),
  criticalRecipients: [PRODUCTION.emailRecipients.critical, ["admin@rsolv.dev", "payments-oncall@rsolv.dev"]],
  businessHoursStart: other(PRODUCTION.businessHoursStart, "08:00", "07:00"),
} as const;
/** A success step of the gauge as the summary states it (0.9). */
const step = (value: number) => String(Number(value.toPrecision(10)));

beforeAll(() => {
  scratch = scratchProject("review");
  git("init", "-q", "-b", "main");
  fs.writeFileSync(path.join(scratch.dir, ".git", "info", "exclude"), "node_modules\n");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  git("tag", "base");

  // One change of each kind, in one commit: each setting moved off the value production has now (its stack file's,
  // or the default), so the expected lines below follow production's config; every integration switched on, each
  // secret as a stack file holds it (encrypted).
  setStackConfig(scratch.dir, "production", {
    paymentFailureWarningRatio: String(CHANGE.warningRatio[1]),
    paymentFailureWarningFor: CHANGE.warningFor[1],
    repeatIntervals: JSON.stringify({ critical: CHANGE.criticalRepeat[1] }),
    emailRecipients: JSON.stringify({ critical: CHANGE.criticalRecipients[1] }),
    businessHoursStart: CHANGE.businessHoursStart[1],
    sloAlerts: "false",
    ...Object.fromEntries(Object.keys(INTEGRATIONS_ON.secrets).map((key) => [key, { secure: ciphertext(key) }])),
    ...(INTEGRATIONS_ON.config ?? {}),
  });
  for (const stack of ["staging", "production"]) {
    const file = path.join(scratch.dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("imageTag: billing-monitoring-20251104", "imageTag: billing-monitoring-20251202"));
  }
  // Two renames: one without an alias, one with.
  const rewrite = (file: string, change: (text: string) => string): void => {
    const at = path.join(scratch.dir, file);
    const [before, after] = [fs.readFileSync(at, "utf8"), change(fs.readFileSync(at, "utf8"))];
    if (after === before) throw new Error(`${file} did not change: the test's edit no longer matches it`);
    fs.writeFileSync(at, after);
  };
  rewrite("index.ts", (text) => text.replace('new AppRollout(\n    "app-rollout",', 'new AppRollout(\n    "app-image-rollout",'));
  rewrite("components/alerting.ts", (text) =>
    text.replace(/new AlertRules\(\n    "billing-alert-rules",([\s\S]*?)\{ providers: \[kubernetes\] \}/, 'new AlertRules(\n    "billing-rules",$1{ providers: [kubernetes], aliases: [{ name: "billing-alert-rules" }] }'),
  );
  git("commit", "-q", "-am", "changes");
  git("tag", "changed");
  append("README.md", "\nA line of prose.\n");
  git("commit", "-q", "-am", "prose only");
  git("tag", "prose");
});
afterAll(() => scratch?.remove());

describe("between a base and a revision with one change of each kind", () => {
  let summary: string;
  let production: string;
  let staging: string;
  beforeAll(() => {
    const run = review("--base", "base", "--head", "changed");
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^rendering base \([0-9a-f]{12}\)…\nrendering changed \([0-9a-f]{12}\)…\n$/) });
    summary = run.stdout;
    [staging, production] = summary.split("### production");
  }, 60_000);

  it("opens with the revisions", () => {
    expect(summary.startsWith("## Monitoring change: base → changed\n")).toBe(true);
  });

  it("a threshold and its for: one line saying what changed", () => {
    const [ratio, holdFor] = [CHANGE.warningRatio.map(thresholdPercent), CHANGE.warningFor];
    expect(production).toContain(`- \`BillingPaymentFailureRateHigh\` (warning): threshold ${ratio[0]} → ${ratio[1]}; for ${holdFor[0]} → ${holdFor[1]}; description reworded\n`);
    expect(staging).not.toContain("BillingPaymentFailureRateHigh");
  });

  it("alerts removed", () => {
    for (const alert of ["BillingPaymentSuccessErrorBudgetBurnPage", "BillingPaymentSuccessErrorBudgetBurnTicket"]) expect(production).toContain(`- \`${alert}\` removed\n`);
  });

  it("who gets what: the repeat interval, for every alert it applies to", () => {
    expect(production).toContain(`- billing-critical (critical): repeated every ${CHANGE.criticalRepeat[0]} → ${CHANGE.criticalRepeat[1]}: `);
    expect(production).toMatch(/- billing-critical \(critical\): repeated every [^:]+: `BillingPaymentFailureRateCritical`, .*`BillingMetricsAbsent`, `AlertmanagerNotificationsFailing`, `PrometheusRuleEvaluationFailures`, `PrometheusAlertmanagerUnreachable`\n/);
  });

  it("receivers: recipients and each new integration as a destination of its severity's receiver, never the secret", () => {
    const [before, after] = CHANGE.criticalRecipients;
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(production).toMatch(new RegExp(`- receiver \`billing-critical\`: now also [^\n]*email to ${escape(after.join(", "))}[^\n]*; no longer email to ${escape(before.join(", "))}\n`));
    for (const integration of INTEGRATIONS) {
      const line = production.split("\n").find((text) => text.startsWith(`- receiver \`billing-${integration.severity}\`: now also `));
      expect({ integration: integration.name, named: line?.split("; no longer")[0].includes(integration.name) }).toEqual({ integration: integration.name, named: true });
      expect(summary).not.toContain(ciphertext(integration.secret));
    }
    expect(production).toContain(`- receiver \`billing-warning\`: now also Slack ${PRODUCTION.slackChannel}`);
  });

  it("time intervals", () => {
    const hours = (start: string) => `${PRODUCTION.businessDays} ${start}–${PRODUCTION.businessHoursEnd} ${PRODUCTION.businessHoursTimezone}`;
    expect(production).toContain(`- time interval \`business-hours\`: ${hours(CHANGE.businessHoursStart[0])} → ${hours(CHANGE.businessHoursStart[1])}\n`);
  });

  it("dashboard thresholds that follow the alert's", () => {
    const steps = (warning: number) => `red, orange ≥ ${step(1 - PRODUCTION.paymentFailureCriticalRatio)}, yellow ≥ ${step(1 - warning)}, green ≥ ${step(PRODUCTION.paymentSuccessObjective)}`;
    expect(production).toContain(`- panel "Payment Success Rate": thresholds ${steps(CHANGE.warningRatio[0])} → ${steps(CHANGE.warningRatio[1])}\n`);
  });

  it("a panel query, as the part that changed (the firing-alerts table lists the alerts of the rule file)", () => {
    expect(production).toMatch(/- panel "Firing Billing Alerts": query `…[^`]*\|BillingPaymentSuccessErrorBudgetBurnPage\|[^`]*…` → `…[^`]*…`\n/);
  });

  it("the image, in both stacks", () => {
    for (const part of [staging, production]) expect(part).toContain("**Image**\n\n- `ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104` → `ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251202`\n");
  });

  it("resources added and removed (the deploy annotation is per image)", () => {
    expect(production).toMatch(/\*\*Resources\*\*\n\n(- added .*\n)*- added `grafana:oss\/annotation:Annotation billing-dashboards-deploy-[0-9a-f]+`\n(- added .*\n)*- removed `billing-monitoring:alerts:AlertRules billing-alert-rules`\n(- removed .*\n)*- removed `grafana:oss\/annotation:Annotation billing-dashboards-deploy-[0-9a-f]+`\n/);
  });

  it("identities: a rename without an alias is breaking, naming the alias; one with an alias is a note; a new image is no identity change", () => {
    const urn = (stack: string, rest: string) => `\`urn:pulumi:${stack}::billing-monitoring::${rest}\``;
    for (const [stack, part] of [["staging", staging], ["production", production]]) {
      const identities = part.slice(part.indexOf("**Identities**"));
      expect(identities.split("\n").filter((line) => line.startsWith("- "))).toEqual([
        `- breaking: ${urn(stack, "billing-monitoring:rollout:AppRollout::app-rollout")} → ${urn(stack, "billing-monitoring:rollout:AppRollout::app-image-rollout")} (variants default, operator, statefulset, restart, gated): pulumi up would delete and re-create it; add aliases: [{ name: "app-rollout" }] to billing-monitoring:rollout:AppRollout "app-image-rollout"`,
        `- breaking: ${urn(stack, "billing-monitoring:rollout:AppRollout$kubernetes:apps/v1:DeploymentPatch::app-rollout-image")} → ${urn(stack, "billing-monitoring:rollout:AppRollout$kubernetes:apps/v1:DeploymentPatch::app-image-rollout-image")} (variants default, operator, statefulset, restart, gated): pulumi up would delete and re-create it; it follows its parent: add the alias to billing-monitoring:rollout:AppRollout "app-image-rollout" (was billing-monitoring:rollout:AppRollout "app-rollout")`,
        `- kept by its alias: ${urn(stack, "billing-monitoring:alerts:AlertRules::billing-alert-rules")} → ${urn(stack, "billing-monitoring:alerts:AlertRules::billing-rules")}`,
        `- kept by its alias: ${urn(stack, "billing-monitoring:alerts:AlertRules$kubernetes:core/v1:ConfigMap::billing-alert-rules-rules")} → ${urn(stack, "billing-monitoring:alerts:AlertRules$kubernetes:core/v1:ConfigMap::billing-rules-rules")}`,
        `- kept by its alias: ${urn(stack, "billing-monitoring:alerts:AlertRules$kubernetes:monitoring.coreos.com/v1:PrometheusRule::billing-alert-rules-prometheus-rule")} → ${urn(stack, "billing-monitoring:alerts:AlertRules$kubernetes:monitoring.coreos.com/v1:PrometheusRule::billing-rules-prometheus-rule")}`,
      ]);
    }
  });
});

it("the pull-request workflow's summary step, run as GitHub runs it, on a head that changes nothing deployed: the job summary and the comment's file say so", () => {
  const workflow = parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "pull-request.yml"), "utf8")) as { jobs: { review: { steps: { run?: string; env?: Record<string, string> }[] } } };
  const step = workflow.jobs.review.steps.find((s) => s.run?.includes("npm run review"))!;
  // GitHub checks out the pull request with the base branch fetched as origin/<base>; the working tree is the head
  // (here "prose", which changes only the README over "changed").
  git("update-ref", "refs/remotes/origin/main", "changed");
  const runner = tempDir("runner");
  try {
    const summaryFile = path.join(runner.dir, "step-summary.md");
    const result = spawnSync("bash", ["-e", "-c", step.run!], { cwd: scratch.dir, encoding: "utf8", env: { ...process.env, ...RENDER_CACHE, BASE_REF: "main", RUNNER_TEMP: runner.dir, GITHUB_STEP_SUMMARY: summaryFile } });
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 0, stdout: "" });
    const summary = fs.readFileSync(summaryFile, "utf8");
    expect(summary).toBe("## Monitoring change: origin/main → working tree\n\nNo change to what any stack deploys (staging, production).\n");
    expect(fs.readFileSync(path.join(runner.dir, "review.md"), "utf8")).toBe(summary);
  } finally {
    runner.remove();
  }
}, 60_000);

it("an unknown revision is refused before anything renders, exit 2", () => {
  const run = review("--base", "no-such-ref");
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
    status: 2,
    stdout: "",
    stderr: 'unknown revision "no-such-ref" (git rev-parse found no commit; fetch it first, e.g. git fetch origin main)\nRun: npm run review -- --help\n',
  });
});
