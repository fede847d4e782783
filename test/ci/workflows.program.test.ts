/**
 * The GitHub workflows under .github/workflows/: valid for GitHub (action-validator, which checks them against
 * SchemaStore's workflow schema), shaped as the team's review and promotion needs, with least permissions and
 * secrets only where a step needs them; and every shell step they run either runs here (this file, or review.test.ts
 * for the change summary) or is named below with why it cannot.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { KNOWN_STACKS } from "../../config";
import { freePort } from "../../tools/sandbox/process";
import { ROOT } from "../../tools/engine/program";
import { tempDir } from "../helpers/tools";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly name?: string;
  readonly needs?: string | string[];
  readonly environment?: string;
  readonly permissions?: Record<string, string>;
  readonly strategy?: { matrix: Record<string, unknown[]> };
  readonly steps: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github", "workflows");
const FILES = fs.readdirSync(DIR).filter((file) => file.endsWith(".yml")).sort();
const read = (file: string): Workflow => parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;
const pullRequest = read("pull-request.yml");
const deploy = read("deploy.yml");
const VALIDATOR = path.join(ROOT, "node_modules", ".bin", "action-validator");

/** The README's second set-up command: the one that runs all the tests. */
function readmeTestCommand(): string {
  const setUp = fs.readFileSync(path.join(ROOT, "README.md"), "utf8").split("## Set up")[1].split("```sh\n")[1].split("```")[0];
  const line = setUp.split("\n").find((l) => l.includes("npm test"))!;
  return line.split("#")[0].trim();
}

describe("validity", () => {
  it.each(FILES)("%s validates against GitHub's workflow schema", (file) => {
    const result = spawnSync(VALIDATOR, [path.join(DIR, file)], { encoding: "utf8" });
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: "" });
  });

  it("the validator does reject a broken workflow (a misspelled key in a step)", () => {
    const scratch = tempDir("workflow");
    try {
      const broken = path.join(scratch.dir, "broken.yml");
      fs.writeFileSync(broken, fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8").replace("      - name: Install\n        run:", "      - name: Install\n        runs:"));
      const result = spawnSync(VALIDATOR, [broken], { encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stdout + result.stderr).toContain("Additional property 'runs' is not allowed");
    } finally {
      scratch.remove();
    }
  });
});

describe("shape", () => {
  it("pull requests run the README's test command, which .ci/run runs too", () => {
    const runs = Object.values(pullRequest.jobs).flatMap((job) => job.steps.map((step) => step.run));
    expect(runs).toContain(readmeTestCommand());
    expect(fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8")).toContain(readmeTestCommand());
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.test).toContain("npm run check:rendered");
  });

  it("pull requests get the change summary as the job summary and as one sticky comment", () => {
    const steps = pullRequest.jobs.review.steps;
    const summary = steps.find((step) => step.run?.includes("npm run review"))!;
    expect(summary.run).toContain('--base "origin/$BASE_REF"');
    expect(summary.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(summary.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const comment = steps.find((step) => step.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(comment.with).toEqual({ header: "billing-monitoring-review", path: "${{ runner.temp }}/review.md" });
    // The whole history, so the base branch can be rendered.
    expect(steps[0]).toEqual({ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } });
  });

  it("pull requests preview every stack with pulumi/actions, commenting on the pull request", () => {
    const job = pullRequest.jobs.preview;
    expect(job.strategy!.matrix.stack).toEqual([...KNOWN_STACKS]);
    const preview = job.steps.find((step) => step.uses?.startsWith("pulumi/actions@"))!;
    expect(preview.with).toEqual({ command: "preview", "stack-name": "rsolv-dev/billing-monitoring/${{ matrix.stack }}", diff: true, "comment-on-pr": true, "github-token": "${{ secrets.GITHUB_TOKEN }}" });
  });

  it("a merge to main updates staging, then production behind its protected environment, needing staging", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
    const up = (job: Job) => job.steps.find((step) => step.uses?.startsWith("pulumi/actions@"))!.with;
    expect(up(deploy.jobs.staging)).toEqual({ command: "up", "stack-name": "rsolv-dev/billing-monitoring/staging", diff: true });
    expect(up(deploy.jobs.production)).toEqual({ command: "up", "stack-name": "rsolv-dev/billing-monitoring/production", diff: true });
    expect(deploy.jobs.production.needs).toBe("staging");
    expect([deploy.jobs.staging.environment, deploy.jobs.production.environment]).toEqual(["staging", "production"]);
    // The production stack names staging as its promotion source: its own gate refuses an image staging has not run.
    expect(fs.readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8")).toContain("billing-monitoring:promotionSourceStack: rsolv-dev/billing-monitoring/staging");
  });

  it("least permissions: read by default, pull-request writes only for the jobs that comment", () => {
    for (const workflow of [pullRequest, deploy]) expect(workflow.permissions).toEqual({ contents: "read" });
    const writers = [pullRequest, deploy].flatMap((workflow) => Object.entries(workflow.jobs).filter(([, job]) => job.permissions).map(([name, job]) => [name, job.permissions]));
    expect(writers).toEqual([
      ["review", { contents: "read", "pull-requests": "write" }],
      ["preview", { contents: "read", "pull-requests": "write" }],
    ]);
  });

  it("secrets reach a step only through env or with, never inline in a shell command", () => {
    for (const file of FILES) {
      for (const [name, job] of Object.entries(read(file).jobs)) {
        for (const step of job.steps) expect({ file, job: name, run: step.run ?? "" }).toEqual({ file, job: name, run: expect.not.stringContaining("${{") });
      }
    }
  });
});

describe("shell steps", () => {
  /** Each `run:` of every workflow, with where it is proven. */
  const runs = FILES.flatMap((file) => Object.entries(read(file).jobs).flatMap(([job, { steps }]) => steps.filter((step) => step.run).map((step) => ({ file, job, run: step.run!, env: step.env ?? {} }))));
  const PROVEN: Record<string, string> = {
    [readmeTestCommand()]: ".ci/run runs this same command on a clean clone",
    "npm ci --no-fund --no-audit": "tools/setup.sh runs this same command (checked below), which .ci/run runs",
    'npm run review --silent -- --base "origin/$BASE_REF" --out "$RUNNER_TEMP/review.md" >> "$GITHUB_STEP_SUMMARY"': "run in review.test.ts on a scratch repository with an origin/main",
    "./tools/ci/kubeconfig.sh": "run below",
    'npm run verify -- --stack staging --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --wait 3m': "run below against an unreachable Prometheus; its checks against a live one are test/e2e/verify.e2e.test.ts",
    'npm run verify -- --stack production --prometheus "$PROMETHEUS_URL" --alertmanager "$ALERTMANAGER_URL" --wait 3m': "run below against an unreachable Prometheus; its checks against a live one are test/e2e/verify.e2e.test.ts",
  };

  it("every shell step is one this suite proves", () => {
    expect(runs.map(({ run }) => run).filter((run) => !(run in PROVEN))).toEqual([]);
  });

  it("npm ci is the install tools/setup.sh runs", () => {
    expect(fs.readFileSync(path.join(ROOT, "tools", "setup.sh"), "utf8")).toContain("npm ci --no-fund --no-audit");
  });

  it("kubeconfig.sh writes the secret to a file only its user reads, for the later steps, and never prints it", () => {
    const scratch = tempDir("kubeconfig");
    try {
      const env = { ...process.env, KUBECONFIG_DATA: "apiVersion: v1\nkind: Config\n# test-only-kubeconfig-token\n", RUNNER_TEMP: scratch.dir, GITHUB_ENV: path.join(scratch.dir, "github-env") };
      const run = spawnSync("bash", ["-c", "./tools/ci/kubeconfig.sh"], { cwd: ROOT, env, encoding: "utf8" });
      expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: `kubeconfig: written to ${scratch.dir}/kubeconfig (mode 600)\n`, stderr: "" });
      const file = path.join(scratch.dir, "kubeconfig");
      expect(fs.readFileSync(file, "utf8")).toBe(env.KUBECONFIG_DATA + "\n");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(env.GITHUB_ENV, "utf8")).toBe(`KUBECONFIG=${file}\n`);

      const missing = spawnSync("bash", ["-c", "./tools/ci/kubeconfig.sh"], { cwd: ROOT, env: { ...env, KUBECONFIG_DATA: "" }, encoding: "utf8" });
      expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 1, stderr: "kubeconfig: the secret KUBECONFIG_DATA is empty or not set; add the cluster's kubeconfig as a secret of this repository (or of the job's environment)\n" });
    } finally {
      scratch.remove();
    }
  });

  it.each(runs.filter(({ run }) => run.startsWith("npm run verify")).map(({ job, run, env }) => [job, run, env] as const))("the %s job's verify step runs, and says when Prometheus cannot be reached (exit 3)", async (_job, run, env) => {
    expect(Object.keys(env).sort()).toEqual(["ALERTMANAGER_URL", "PROMETHEUS_URL", "VERIFY_ALERTMANAGER_TOKEN", "VERIFY_PROMETHEUS_TOKEN"]);
    // A free loopback port: nothing listens. Empty tokens, as GitHub passes an unset secret.
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = spawnSync("bash", ["-c", run], {
      cwd: ROOT,
      env: { ...process.env, PROMETHEUS_URL: url, ALERTMANAGER_URL: url, VERIFY_PROMETHEUS_TOKEN: "", VERIFY_ALERTMANAGER_TOKEN: "" },
      encoding: "utf8",
    });
    expect(result.status).toBe(3);
    expect(result.stdout).toContain(`cannot reach Prometheus at ${url}: connection refused`);
  });
});
