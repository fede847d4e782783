/**
 * rendered/: deterministic, free of secrets, checked by promtool and amtool, and its staleness check fails when
 * the code or a stack file changes without a new render.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { diffStacks, readTree, REDACTED, renderAll, renderFiles, RENDERED, staleFiles } from "../../../tools/render/render";
import { integrationsOn, runStack, stackConfig, TEST_SECRETS } from "../../helpers/stack";
import { runTool, scratchProject, tempDir } from "../../helpers/tools";

describe("render", () => {
  it("is deterministic: a render now is byte-identical to the committed one, which another process made", async () => {
    const now = tempDir("render-now");
    try {
      await renderAll(now.dir);
      const [rendered, committed] = [readTree(now.dir), readTree(RENDERED)];
      expect(rendered.size).toBeGreaterThan(20);
      expect(staleFiles(rendered, committed)).toEqual([]);
    } finally {
      now.remove();
    }
  });

  it("writes every secret as the redaction marker, whatever its value", async () => {
    const integrations = integrationsOn();
    const secrets = { ...TEST_SECRETS, ...integrations.secrets };
    const run = await runStack("production", { ...integrations, secrets });
    const files = renderFiles(run);
    const all = [...files.values()].join("\n");
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
    expect(files.get("kubernetes/secret-alertmanager-billing-production-credentials.yaml")).toContain(`smtp-password: "${REDACTED}"`);
    expect(files.get("grafana/grafana-billing-dashboards-grafana.yaml")).toContain(`auth: "${REDACTED}"`);
  });

  it("a configuration that holds a secret (the heartbeat URL) is written with that secret as the marker when the render knows the values", async () => {
    const heartbeatUrl = "https://heartbeat.example/test-only-ping-token";
    const secrets = { ...TEST_SECRETS, heartbeatUrl };
    const run = await runStack("production", { secrets });
    // Without the values: only inside the redacted Secret, as `npm run render` writes it.
    expect(renderFiles(run).has("alertmanager/alertmanager.yml")).toBe(false);
    const files = renderFiles(run, { secretValues: Object.values(secrets) });
    const config = parse(files.get("alertmanager/alertmanager.yml")!) as { receivers: { name: string; webhook_configs?: { url: string }[] }[] };
    expect(config.receivers.find((receiver) => receiver.name === "heartbeat")!.webhook_configs).toEqual([{ url: REDACTED, send_resolved: false }]);
    expect([...files.values()].join("\n")).not.toContain("test-only-ping-token");
  });

  it("the committed rendered/ passes promtool check rules (both rule files loaded side by side) and amtool check-config", () => {
    for (const release of ["current", "oldest"] as const) {
      const both = runTool("promtool", ["check", "rules", ...["staging", "production"].map((stack) => path.join(RENDERED, stack, "prometheus", "billing-alerts.yml"))], undefined, release);
      expect({ release, status: both.status, output: both.output }).toEqual({ release, status: 0, output: expect.not.stringMatching(/duplicate|FAILED/i) });
    }
    const groupNames = ["staging", "production"].map((stack) => (parse(fs.readFileSync(path.join(RENDERED, stack, "prometheus", "billing-alerts.yml"), "utf8")) as { groups: { name: string }[] }).groups.map((group) => group.name));
    expect(groupNames[0].filter((name) => groupNames[1].includes(name))).toEqual([]);
    expect(groupNames.map((names) => names.every((name, _i, all) => all.indexOf(name) === all.lastIndexOf(name)))).toEqual([true, true]);
    // Only production writes the shared Alertmanager's configuration.
    expect(fs.existsSync(path.join(RENDERED, "staging", "alertmanager"))).toBe(false);
    for (const stack of ["production"]) {
      // Templates are mounted next to the configuration; point the glob at the rendered copy so amtool parses them.
      const work = tempDir(`amtool-${stack}`);
      try {
        const config = fs.readFileSync(path.join(RENDERED, stack, "alertmanager", "alertmanager.yml"), "utf8");
        fs.copyFileSync(path.join(RENDERED, stack, "alertmanager", "billing-email.tmpl"), path.join(work.dir, "billing-email.tmpl"));
        fs.writeFileSync(path.join(work.dir, "alertmanager.yml"), config.replace("/etc/alertmanager/billing/*.tmpl", `${work.dir}/*.tmpl`));
        for (const release of ["current", "oldest"] as const) {
          const checked = runTool("amtool", ["check-config", path.join(work.dir, "alertmanager.yml")], undefined, release);
          expect({ stack, release, status: checked.status, templates: checked.output.includes(" - 1 templates") }).toEqual({ stack, release, status: 0, templates: true });
        }
      } finally {
        work.remove();
      }
    }
  });
});

describe("long names", () => {
  it("a valid 253-character ConfigMap name still renders: every file name fits the file system's 255 bytes", async () => {
    const name = `${"r".repeat(239)}.billing-rules`;
    expect(name).toHaveLength(253);
    const files = renderFiles(await runStack("staging", { config: { rulesConfigMap: name } }));
    const long = [...files.keys()].flatMap((file) => file.split("/")).filter((part) => Buffer.byteLength(part) > 255);
    expect(long).toEqual([]);
    const work = tempDir("long-names");
    try {
      for (const [file, content] of files) {
        fs.mkdirSync(path.dirname(path.join(work.dir, file)), { recursive: true });
        fs.writeFileSync(path.join(work.dir, file), content);
      }
      expect(readTree(work.dir).size).toBe(files.size);
    } finally {
      work.remove();
    }
  });
});

describe("the diff mode", () => {
  it("shows how two stacks differ, file by file, each stack's own names read as placeholders", async () => {
    const diff = await diffStacks("staging", "production");
    expect(diff.split("\n").slice(0, 5)).toEqual([
      "# staging vs production: each stack's own names read as placeholders",
      "# <rulesConfigMap>: staging prometheus-billing-rules-staging, production prometheus-billing-rules-production",
      "# <dashboardUid>: staging billing-metrics-staging, production billing-metrics",
      "# <appNamespace>: staging rsolv-staging, production rsolv-production",
      "# <environment>: staging staging, production production",
    ]);
    // Files of the same role pair up, though their names carry each stack's names.
    expect(diff).toContain("--- staging/kubernetes/configmap-prometheus-billing-rules-staging.yaml\n+++ production/kubernetes/configmap-prometheus-billing-rules-production.yaml\n");
    expect(diff).toContain("--- staging/kubernetes/deploymentpatch-staging-rsolv-platform.yaml\n+++ production/kubernetes/deploymentpatch-rsolv-platform.yaml\n");
    // The namespace on every selector is the same placeholder on both sides: no line differs by it (a line may still
    // differ by a threshold one stack sets).
    const [staging, production] = [stackConfig("staging"), stackConfig("production")];
    expect(diff).not.toMatch(new RegExp(`^[-+].*(${staging.appNamespace}|${production.appNamespace})`, "m"));
    // What really differs stays: the app's Deployment name, and only production writes the Alertmanager files.
    expect(diff).toContain("-  name: <environment>-rsolv-platform\n+  name: rsolv-platform\n");
    expect(diff).toContain("--- /dev/null\n+++ production/alertmanager/alertmanager.yml\n@@ -0,0 +1,");
    // Mostly the owner's Alertmanager files, which staging has none of (its configuration twice: the file and the
    // ConfigMap holding it; the reloader sidecar's patch): 718 lines with the alerting-pipeline routes.
    expect(diff.split("\n").length).toBeLessThan(800);
  });
});

describe("the staleness check", () => {
  let scratch: { dir: string; remove: () => void };
  const check = () => spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts", "--check"], { cwd: scratch.dir, encoding: "utf8" });

  beforeAll(() => {
    // A scratch copy of the committed project, sharing node_modules.
    scratch = scratchProject("stale");
  });
  afterAll(() => scratch.remove());

  it("fails, naming the files and the command, when a stack's threshold changes without a new render", () => {
    const stackFile = path.join(scratch.dir, "Pulumi.staging.yaml");
    fs.appendFileSync(stackFile, "  billing-monitoring:paymentFailureWarningRatio: \"0.2\"\n");
    const result = check();
    expect(result.status).toBe(1);
    // The ratio drives the alert, the success-rate gauge's thresholds, and so the rule file's hash in the outputs; the
    // reloader sidecar's patch on Prometheus does not change with the content (nothing restarts).
    expect(result.stderr).toBe(
      // The example renders the same stack file, so its staging files are stale too.
      "rendered/ is stale (7 files: examples/kube-prometheus-stack/staging/grafana/dashboard-billing-metrics-staging.json, examples/kube-prometheus-stack/staging/kubernetes/prometheusrule-prometheus-billing-rules-staging.yaml, examples/kube-prometheus-stack/staging/outputs.yaml, staging/grafana/dashboard-billing-metrics-staging.json, staging/kubernetes/configmap-prometheus-billing-rules-staging.yaml, staging/outputs.yaml, staging/prometheus/billing-alerts.yml).\n" +
        "Run: npm run render, and commit rendered/ with your change.\n",
    );
  });

  it("a failed render leaves the committed rendered/ as it was, and says why", () => {
    const before = readTree(path.join(scratch.dir, "rendered"));
    const stackFile = path.join(scratch.dir, "Pulumi.production.yaml");
    const original = fs.readFileSync(stackFile, "utf8");
    fs.appendFileSync(stackFile, "  billing-monitoring:groupWait: 0s\n");
    try {
      const result = spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts"], { cwd: scratch.dir, encoding: "utf8" });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('billing-monitoring:groupWait: "0s" is not allowed: must be greater than zero');
      // Staging rendered fine before production failed; neither stack's files changed, and no scratch is left.
      expect(staleFiles(before, readTree(path.join(scratch.dir, "rendered")))).toEqual([]);
      expect(fs.readdirSync(path.join(scratch.dir, "rendered")).sort()).toEqual(["examples", "identities.yaml", "production", "staging"]);
    } finally {
      fs.writeFileSync(stackFile, original);
    }
  });

  /** Runs `fn` with a stack file's text changed, restoring it after. */
  function withStackFile<T>(stack: string, change: (text: string) => string, fn: () => T): T {
    const file = path.join(scratch.dir, `Pulumi.${stack}.yaml`);
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, change(original));
    try {
      return fn();
    } finally {
      fs.writeFileSync(file, original);
    }
  }
  const render = (...args: string[]) => spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts", ...args], { cwd: scratch.dir, encoding: "utf8" });

  it("a secret the stack file holds encrypted (secure:) renders its receiver, the value as the marker", () => {
    const out = tempDir("secure");
    try {
      // As `pulumi config set --secret heartbeatUrl …` writes it: ciphertext the render cannot (and need not) read.
      const result = withStackFile("production", (text) => `${text}  billing-monitoring:heartbeatUrl:\n    secure: v1:Zm9vYmFy:dGVzdC1vbmx5LWNpcGhlcnRleHQ=\n`, () => render("--stacks", "production", "--out", out.dir));
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
      const config = parse(fs.readFileSync(path.join(out.dir, "production", "alertmanager", "alertmanager.yml"), "utf8")) as { receivers: { name: string; webhook_configs?: unknown[] }[] };
      expect(config.receivers.find((receiver) => receiver.name === "heartbeat")!.webhook_configs).toEqual([{ url: REDACTED, send_resolved: false }]);
      // The configuration moved into the Secret, as `pulumi up` deploys it; no ConfigMap copy of it.
      expect(fs.readFileSync(path.join(out.dir, "production", "kubernetes", "configmap-alertmanager-billing-production.yaml"), "utf8")).not.toContain("alertmanager.yml");
    } finally {
      out.remove();
    }
  });
  const newTag = (text: string) => text.replace("imageTag: billing-monitoring-20251104", "imageTag: billing-monitoring-20251202");

  it("staging-first: a commit giving staging a new image alone is refused, naming how to promote; nothing rendered", () => {
    const before = readTree(path.join(scratch.dir, "rendered"));
    const result = withStackFile("staging", newTag, () => render());
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: "" });
    expect(result.stderr).toBe(
      "production: Promotion gate: ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251104 has not run in rsolv-dev/billing-monitoring/staging, which runs ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251202; deploy it there first (pulumi up --stack rsolv-dev/billing-monitoring/staging), or, in an emergency only: pulumi config set billing-monitoring:skipPromotionGate true --stack production\n" +
        "The render reads staging as this commit deploys it. Promote in the same commit: give Pulumi.production.yaml the imageTag and imageDigest of Pulumi.staging.yaml. Deploy staging first; production's pulumi up refuses the image until staging runs it.\n",
    );
    expect(staleFiles(before, readTree(path.join(scratch.dir, "rendered")))).toEqual([]);
  });

  it("staging-first: the same new image in both stack files renders, production running what staging will run", () => {
    const out = tempDir("promoted");
    try {
      const result = withStackFile("staging", newTag, () => withStackFile("production", newTag, () => render("--out", out.dir)));
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
      const image = (stack: string) => (parse(fs.readFileSync(path.join(out.dir, stack, "outputs.yaml"), "utf8")) as { image: string }).image;
      expect([image("staging"), image("production")]).toEqual(["ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251202", "ghcr.io/rsolv-dev/rsolv-platform:billing-monitoring-20251202"]);
    } finally {
      out.remove();
    }
  });

  it("never drops an identity: a component renamed without an alias is refused, naming it and the alias; --removed drops it on purpose", () => {
    const index = path.join(scratch.dir, "index.ts");
    const identities = path.join(scratch.dir, "rendered", "identities.yaml");
    const [originalIndex, originalIdentities] = [fs.readFileSync(index, "utf8"), fs.readFileSync(identities, "utf8")];
    const before = readTree(path.join(scratch.dir, "rendered"));
    // The second render reuses the first one's runs (the program is the same).
    const cached = (...args: string[]) => spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts", ...args], { cwd: scratch.dir, encoding: "utf8", env: { ...process.env, BILLING_MONITORING_RUN_CACHE: "render" } });
    const [component, patch] = ["billing-monitoring:rollout:AppRollout::app-rollout", "billing-monitoring:rollout:AppRollout$kubernetes:apps/v1:DeploymentPatch::app-rollout-image"];
    try {
      fs.writeFileSync(index, originalIndex.replace('new AppRollout(\n    "app-rollout",', 'new AppRollout(\n    "app-image-rollout",'));
      const refused = cached("--removed", component);
      expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 1, stdout: "" });
      const urn = (stack: string, rest: string) => `urn:pulumi:${stack}::billing-monitoring::${rest}`;
      expect(refused.stderr).toBe(
        [
          "identities.yaml: 2 identities of the previous release would disappear; nothing was rendered:",
          ...["production", "staging"].map(
            (stack) =>
              `  - ${stack} (variants default, operator, statefulset, restart, gated): ${urn(stack, patch)} → ${urn(stack, patch.replace("app-rollout-image", "app-image-rollout-image"))}: pulumi up would delete and re-create it; it follows its parent: add the alias to billing-monitoring:rollout:AppRollout "app-image-rollout" (was billing-monitoring:rollout:AppRollout "app-rollout")`,
          ),
          `Add what each line says. To remove one on purpose (pulumi up then deletes the resource from each stack, or the output or key stops working): npm run render -- --removed '${patch}'`,
          "",
        ].join("\n"),
      );
      expect(staleFiles(before, readTree(path.join(scratch.dir, "rendered")))).toEqual([]);
      const removed = cached("--removed", component, "--removed", patch);
      expect({ status: removed.status, stderr: removed.stderr }).toEqual({ status: 0, stderr: "" });
      const written = fs.readFileSync(identities, "utf8");
      expect([written.includes("::app-rollout\n"), written.includes("::app-image-rollout\n")]).toEqual([false, true]);
    } finally {
      fs.writeFileSync(index, originalIndex);
      fs.writeFileSync(identities, originalIdentities);
    }
  }, 120_000);

  it("a stack file with a YAML error is refused naming the file and position, without the line; nothing rendered", () => {
    const before = readTree(path.join(scratch.dir, "rendered"));
    let secretLine = 0;
    const result = withStackFile(
      "staging",
      (text) => {
        secretLine = text.split("\n").length;
        return `${text}  billing-monitoring:grafanaToken: not-shown-value\n    nested: [x\n`;
      },
      () => render(),
    );
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 1, stdout: "" });
    // The position of the value on the line that holds the secret: its column, not its text.
    expect(result.stderr).toBe(`Pulumi.staging.yaml:${secretLine}:36: Nested mappings are not allowed in compact mappings (the line is not shown: it may hold a secret)\n`);
    expect(result.stderr).not.toContain("not-shown-value");
    expect(staleFiles(before, readTree(path.join(scratch.dir, "rendered")))).toEqual([]);
  });

  it.each([
    [["--stacks", "qa"], "unknown stack qa: the stacks are staging, production (Pulumi.<stack>.yaml)"],
    [["--stacks"], "--stacks needs a value"],
    [["--out"], "--out needs a value"],
    [["--diff", "staging"], "--diff needs two stacks"],
    [["--stack", "staging"], "unknown option --stack"],
    [["--check=yes"], "--check takes no value"],
    [["staging"], "unexpected argument staging"],
  ])("a command-line mistake %j is one line naming it and the pointer to --help, exit 2, nothing rendered", (args, message) => {
    const result = spawnSync(process.execPath, ["-r", "@swc-node/register", "tools/cli/render.ts", ...args], { cwd: scratch.dir, encoding: "utf8" });
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ status: 2, stderr: `${message}\nRun: npm run render -- --help\n`, stdout: "" });
  });
});
