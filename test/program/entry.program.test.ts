/**
 * The program on the path the Pulumi CLI runs it: Pulumi's own cmd/run started as the Node.js language host starts
 * it, against the local engine, in preview (`pulumi preview`) and update (`pulumi up`) mode.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { type ProgramRun, runProgram } from "../../tools/engine/run";
import { UNKNOWN } from "../../tools/engine/wire";
import { ROOT } from "../../tools/engine/program";
import { attemptStack, runStack, single, TEST_SECRETS, TYPES } from "../helpers/stack";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const types = (run: ProgramRun): string[] => run.resources.map((resource) => resource.type);
const errors = (run: ProgramRun): string[] => run.logs.filter((entry) => entry.severity === "error").map((entry) => entry.message);

describe("the entry the language host runs", () => {
  let defaultExport: ProgramRun;
  let exportAssignment: ProgramRun;
  beforeAll(async () => {
    [defaultExport, exportAssignment] = await Promise.all(["default-export", "export-assignment"].map((fixture) => runProgram({ root: path.join(FIXTURES, fixture), stack: "dev", mode: "preview" })));
  });

  it("a module whose export is `{ default: fn }` declares nothing: cmd/run calls only a function export", () => {
    expect({ exitCode: defaultExport.exitCode, types: types(defaultExport), outputs: defaultExport.outputs }).toEqual({ exitCode: 0, types: ["pulumi:pulumi:Stack"], outputs: { default: {} } });
  });

  it("a module whose export is the function (`export =`) is called, and its result becomes the stack outputs", () => {
    expect({ exitCode: exportAssignment.exitCode, types: types(exportAssignment), dryRun: exportAssignment.outputs.dryRun }).toEqual({ exitCode: 0, types: ["pulumi:pulumi:Stack", "fixture:index:Thing"], dryRun: true });
  });

  // Staging declares no Alertmanager objects (production owns the shared Alertmanager's configuration): 5 fewer.
  it.each([
    ["staging", 13],
    ["production", 18],
  ])("index.ts declares the whole %s stack under cmd/run", async (stack, registered) => {
    const run = await runStack(stack as string, { mode: "preview" });
    expect(run.resources.filter((resource) => resource.operation === "register")).toHaveLength(registered);
    expect(run.outputs.environment).toBe(stack);
  });
});

describe("what the language host hands the program", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({
      root: path.join(FIXTURES, "export-assignment"),
      stack: "dev",
      mode: "update",
      organization: "rsolv-dev",
      config: { added: "by-caller", name: "overridden" },
      secrets: { token: "test-only-token" },
    });
  });

  // The CLI decodes each value into a Go string with yaml.v3, which keeps a scalar's text: `version: 1.10` is "1.10",
  // not the number 1.1 (a release tag written unquoted stays the tag).
  it("config from the stack file as the CLI passes it: bare keys in the project's namespace, scalars as written, lists as JSON", () => {
    expect(run.outputs.config).toEqual({
      "fixture-export-assignment:name": "overridden",
      "fixture-export-assignment:version": "1.10",
      "fixture-export-assignment:enabled": "true",
      "fixture-export-assignment:hex": "0x1F",
      "fixture-export-assignment:empty": "",
      "fixture-export-assignment:quoted": "007",
      "fixture-export-assignment:list": '["a","b"]',
      "fixture-export-assignment:added": "by-caller",
      "fixture-export-assignment:token": "test-only-token",
      "other-namespace:key": "kept",
    });
  });

  it("secrets marked secret, as `pulumi config set --secret` marks them", () => {
    expect(run.outputs.secretKeys).toEqual(["fixture-export-assignment:token"]);
  });

  it("the stack, project, organization, mode, parallelism, TypeScript and working directory", () => {
    expect(run.outputs).toMatchObject({
      dryRun: false,
      stack: "dev",
      project: "fixture-export-assignment",
      organization: "rsolv-dev",
      parallel: String(os.cpus().length * 4),
      typescript: "true",
      cwd: path.join(FIXTURES, "export-assignment"),
    });
  });
});

describe("preview and update, as the engine answers them", () => {
  let preview: ProgramRun;
  let update: ProgramRun;
  beforeAll(async () => {
    [preview, update] = await Promise.all([runStack("production", { mode: "preview" }), runStack("production", { mode: "update" })]);
  });

  it("the same resources in both", () => {
    const tree = (run: ProgramRun) => run.resources.map((r) => `${r.type}::${r.name} <- ${r.parent ?? ""}`).sort();
    expect(tree(preview)).toEqual(tree(update));
  });

  it("in a preview a new provider's id is unknown and other new resources have none; an update gives every one an id", () => {
    const grafana = (run: ProgramRun) => single(run, TYPES.grafanaProvider).id;
    expect([grafana(preview), single(preview, TYPES.folder).id]).toEqual([UNKNOWN, ""]);
    expect([grafana(update), single(update, TYPES.folder).id]).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}$/)]);
    expect(single(update, TYPES.secret).id).toBe("monitoring/alertmanager-billing-production-credentials");
  });

  it("a field the provider computes is unknown in a preview, down to what reads it; known after an update", () => {
    expect([single(preview, TYPES.dashboard).inputs.folder, preview.outputs.grafanaFolderUid]).toEqual([UNKNOWN, UNKNOWN]);
    expect([single(update, TYPES.dashboard).inputs.folder, update.outputs.grafanaFolderUid]).toEqual(["billing-dashboards-folder-uid", "billing-dashboards-folder-uid"]);
  });

  it("secrets arrive marked in both: the Secret's files and the Grafana provider's token", () => {
    for (const run of [preview, update]) {
      expect(single(run, TYPES.secret).secretPaths).toEqual(["stringData"]);
      expect(single(run, TYPES.grafanaProvider).secretPaths).toEqual(["auth"]);
      expect(single(run, TYPES.grafanaProvider).inputs.auth).toBe(TEST_SECRETS.grafanaToken);
    }
  });

  it("resource options as sent: retainOnDelete on the deploy annotation, rollout timeouts, the explicit provider", () => {
    expect(single(update, TYPES.annotation)).toMatchObject({ retainOnDelete: true, protect: false, provider: "pulumi:providers:grafana::billing-dashboards-grafana" });
    const rollout = update.resources.find((r) => r.name === "app-rollout-image")!;
    expect(rollout).toMatchObject({ customTimeouts: { create: "600s", update: "600s" }, provider: "pulumi:providers:kubernetes::kubernetes" });
  });

  it("property dependencies: the dashboard's folder comes from the folder", () => {
    expect(single(update, TYPES.dashboard).propertyDependencies.folder).toEqual(["grafana:oss/folder:Folder::billing-dashboards-folder"]);
  });
});

describe("failures, as the CLI shows them", () => {
  // Pulumi's cmd/run formats an uncaught error with util.inspect; for an error with a stack, raised in the program,
  // that took ~25 s on Node 20 before the process exited. A healthy run takes ~2-3 s here.
  const PROMPT_MS = 12_000;

  it("a config error: exit code 32 (error already shown), the message alone, nothing declared but the stack, at once", async () => {
    const run = await attemptStack("staging", { config: { appNamespace: "Bad_Name" }, mode: "preview" });
    expect({ exitCode: run.exitCode, types: types(run), prompt: run.milliseconds < PROMPT_MS }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack"], prompt: true });
    expect(errors(run)).toEqual([expect.stringMatching(/^Stack "staging" has 1 config problem; nothing was deployed:\n {2}- billing-monitoring:appNamespace: "Bad_Name" is not allowed/)]);
  });

  it("a refused promotion: exit code 32, the gate's message, nothing declared but the stack and the read of staging, at once", async () => {
    const run = await attemptStack("production", { stackOutputs: { "rsolv-dev/billing-monitoring/staging": { image: "ghcr.io/rsolv-dev/rsolv-platform:other" } }, mode: "preview" });
    expect({ exitCode: run.exitCode, types: types(run), prompt: run.milliseconds < PROMPT_MS }).toEqual({ exitCode: 32, types: ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"], prompt: true });
    expect(errors(run)).toEqual([expect.stringMatching(/^Promotion gate: ghcr\.io\/rsolv-dev\/rsolv-platform:billing-monitoring-20251104 has not run in rsolv-dev\/billing-monitoring\/staging/)]);
  });
});

describe("what the local engine was not told about", () => {
  it("an invoke is refused with an error the program sees, and the run fails", async () => {
    const run = await runProgram({ root: path.join(FIXTURES, "invoke"), stack: "dev", mode: "preview" });
    expect({ exitCode: run.exitCode === 0, refused: run.refused, outputs: run.outputs }).toEqual({
      exitCode: false,
      refused: ["the local engine was not told how to answer the invoke fixture:index:getThing"],
      outputs: {},
    });
  });
});

describe("TypeScript under the language host", () => {
  const tsconfigWithout = (dir: string, name: string, change: (tsconfig: Record<string, unknown>) => void): string => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as Record<string, unknown>;
    change(tsconfig);
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(tsconfig));
    return file;
  };
  // TypeScript's own transpiler (no swc): what PULUMI_NODEJS_TRANSPILE_ONLY=true or `noCheck` gives.
  const transpileOnly = (tsconfig: string) => attemptStack("staging", { mode: "preview", env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_NODEJS_TSCONFIG_PATH: tsconfig }, fresh: true });
  let dir: string;
  let withRootDir: ProgramRun;
  let withoutRootDir: ProgramRun;
  beforeAll(async () => {
    // Inside the project, so that its node_modules (and @types) are found from the tsconfig's folder as from the project's.
    dir = fs.mkdtempSync(path.join(ROOT, ".tsconfig-test-"));
    const withRoot = tsconfigWithout(dir, "with-root-dir", (tsconfig) => {
      delete tsconfig["ts-node"];
      (tsconfig.compilerOptions as Record<string, unknown>).rootDir = ROOT;
    });
    const withoutRoot = tsconfigWithout(dir, "without-root-dir", (tsconfig) => {
      delete tsconfig["ts-node"];
      delete (tsconfig.compilerOptions as Record<string, unknown>).rootDir;
    });
    [withRootDir, withoutRootDir] = await Promise.all([transpileOnly(withRoot), transpileOnly(withoutRoot)]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the program runs with TypeScript's transpile-only mode", () => {
    expect({ exitCode: withRootDir.exitCode, resources: withRootDir.resources.length }).toEqual({ exitCode: 0, resources: 13 }); // staging: no Alertmanager objects
  });

  it("without rootDir, TypeScript 6 refuses it (TS5011): what the tsconfig's rootDir is for", () => {
    expect(withoutRootDir.exitCode).not.toBe(0);
    expect(errors(withoutRootDir).join("\n")).toContain("TS5011");
  });
});
