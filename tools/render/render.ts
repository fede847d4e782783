/**
 * What each stack would apply, as files: index.ts run through the local engine as `pulumi up` runs it (Pulumi's own
 * cmd/run; no CLI, cloud or cluster), secrets as a fixed marker (renderFiles); every stack and example into a tree
 * (renderAll), replaced only when all succeeded; rendered/identities.yaml kept as a contract (tools/review/identities.ts);
 * a stack against another (diffStacks). `npm run render` (tools/cli/render.ts) is its command; the sandbox, the
 * review and the bench use it too.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { INTEGRATIONS } from "../../alerts/integrations";
import { CONFIG_FILE } from "../../alerts/routing";
import { parse } from "yaml";

import { CONFIG_SCHEMA, KNOWN_STACKS, RENAMED_KEYS } from "../../config";
import { buildContract, checkContract, type Contract, IDENTITIES_FILE, readContract, removalName, type VariantRun, writeContract } from "../review/identities";
import { toJson, toYaml } from "../../common/serialize";
import { failureOf } from "../engine/run";
import type { SecretKey } from "../../config/schema";
import { encryptedStackKeys, localStack, readStackFile, type RecordedResource, ROOT, runStack, type StackRun, type StackRunOptions } from "../engine/program";

/** Stands in for every secret value in rendered files. */
export const REDACTED = "<redacted: pulumi secret>";

/** Settings each user sets by hand (not in the committed stack files); rendered with visible placeholders. */
export const PLACEHOLDER_SETTINGS = { smtpUsername: "<smtpUsername: Postmark SMTP access key>" };

export const PLACEHOLDER_SECRETS = { smtpPassword: REDACTED, grafanaToken: REDACTED };

/**
 * What the render gives a secret the stack file holds encrypted (`secure:`), which it cannot decrypt: a value of the
 * right form, replaced by the marker wherever it lands. So the optional receivers a stack has (each integration's,
 * the heartbeat) are in its rendered configuration, as `pulumi up` deploys them.
 */
const SECRET_STAND_IN: Readonly<Partial<Record<SecretKey, string>>> = {
  ...Object.fromEntries(INTEGRATIONS.map((integration) => [integration.secret, integration.standIn])),
  heartbeatUrl: "https://pulumi-secret.invalid/heartbeat-url",
};

/** Stand-ins for the secrets a stack file holds encrypted. */
function encryptedStandIns(stack: string): Record<string, string> {
  return Object.fromEntries(encryptedStackKeys(stack).map((key) => [key, SECRET_STAND_IN[key as SecretKey] ?? REDACTED]));
}

export const RENDERED = path.join(ROOT, "rendered");

/**
 * Other set-ups, rendered for both stacks under rendered/examples/<name>/<stack>/ whenever both stacks are, so a
 * reviewer sees what a change does to them too. Each is config every stack of the run gets.
 */
export const EXAMPLES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Operator mode against kube-prometheus-stack installed as Helm release "kube-prometheus-stack".
  "kube-prometheus-stack": { prometheusOperator: "true", prometheusRuleLabels: JSON.stringify({ release: "kube-prometheus-stack" }) },
};

/**
 * Runs one stack as `pulumi up` would. A gated stack (production) reads its source stack (staging) as that stack
 * would be after this commit ran there; runs are reused within the process, so the source stack runs once.
 *
 * So a commit renders only when its gated stacks name the image its source stacks name: a new image goes into both
 * stack files in one commit, and the gate orders the deploys (production's `pulumi up` refuses until staging runs
 * it). A refusal says so.
 */
export async function renderStack(stack: string, example: Readonly<Record<string, string>> = {}, variant: VariantOptions = {}): Promise<StackRun> {
  // The tests that render whole revisions (review) keep the render's runs on disk too (tools/engine/program.ts, RUN_CACHE).
  const cache = variant.cache ?? (process.env.BILLING_MONITORING_RUN_CACHE === "render" ? "disk" : "process");
  // The stand-ins are this stack's alone: the promotion source stack, run first, holds its own secrets, and one of
  // this stack's (an integration needing a release this stack declares) could be refused there.
  const run = await runStack({ stack, settings: { ...PLACEHOLDER_SETTINGS, ...example }, settingSecrets: PLACEHOLDER_SECRETS, secrets: encryptedStandIns(stack), ...variant, cache });
  const failure = failureOf(run);
  if (failure.length === 0) return run;
  const source = localStack(readStackFile(stack).promotionSourceStack ?? "");
  const gate = failure.some((line) => line.startsWith("Promotion gate:"));
  const hint = gate && source
    ? `\nThe render reads ${source} as this commit deploys it. Promote in the same commit: give Pulumi.${stack}.yaml the imageTag and imageDigest of Pulumi.${source}.yaml. Deploy ${source} first; ${stack}'s pulumi up refuses the image until ${source} runs it.`
    : "";
  throw new Error(gate ? `${stack}: ${failure.join("\n")}${hint}` : failure.join("\n"));
}

/** What a variant sets on the rendered stack alone, beside an example's config; and how runs are reused. */
export type VariantOptions = Pick<StackRunOptions, "config" | "stackOutputs" | "cache">;

export interface Variant {
  /** What it sets, for the identity file and its messages. */
  readonly doc: string;
  /** Config every stack of the run gets, as an example's. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Config of the rendered stack alone (and what its StackReferences read), from its run in the default variant. */
  readonly options?: (base: StackRun) => VariantOptions;
}

/** A stack that is not one of ours, gating a stack that has no gate in the `gated` variant; it runs that stack's image. */
const GATE_SOURCE = "rsolv-dev/billing-monitoring/integration";

/** Config that makes a stack the Alertmanager's owner when it is not: an owner declares all a non-owner does, and more. */
const owner = (base: StackRun): Record<string, string> => (base.outputs.alertmanagerOwner === true ? {} : { alertmanagerOwner: "true" });

/**
 * The configurations that add resources to a stack (config/schema.ts: prometheusOperator, alertmanagerOwner, the
 * workload kinds, the promotion gate); rendered/identities.yaml holds each stack's identities in every one, so a
 * rename on a path only some settings take is caught too. A setting that only takes resources away
 * (alertmanagerOwner false, skipPromotionGate) needs no variant: what it keeps is checked where it exists. A variant
 * that changes nothing for a stack (production owns the Alertmanager and has a gate) reuses its default run.
 */
export const VARIANTS: Readonly<Record<string, Variant>> = {
  default: { doc: "the stack file as committed" },
  operator: { doc: "prometheusOperator (the kube-prometheus-stack example), alertmanagerOwner", settings: EXAMPLES["kube-prometheus-stack"], options: (base) => ({ config: owner(base) }) },
  statefulset: {
    doc: "prometheusWorkload and alertmanagerWorkload StatefulSet, alertmanagerOwner",
    options: (base) => ({ config: { ...owner(base), prometheusWorkload: "StatefulSet", alertmanagerWorkload: "StatefulSet" } }),
  },
  restart: {
    doc: "configReload restart (the reload annotation instead of the sidecar), alertmanagerOwner",
    options: (base) => ({ config: { ...owner(base), configReload: "restart" } }),
  },
  gated: {
    doc: `a promotion gate where the stack file has none (promotionSourceStack ${GATE_SOURCE}, which routes nothing), alertmanagerOwner`,
    options: (base) =>
      base.outputs.promotion === "ungated"
        ? { config: { ...owner(base), promotionSourceStack: GATE_SOURCE }, stackOutputs: { [GATE_SOURCE]: { image: base.outputs.image, environment: "integration", alertmanagerOwner: false } } }
        : { config: owner(base) },
  },
};

/** Every name a stack file may hold: the schema's keys and the deprecated names of renamed ones. */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(CONFIG_SCHEMA), ...Object.keys(RENAMED_KEYS)];

/** The contract of the working tree: every stack in every variant, run as the render runs it. */
export async function renderContract(cache?: StackRunOptions["cache"]): Promise<Contract> {
  const runs = await Promise.all(
    KNOWN_STACKS.map(async (stack) => {
      const base = await renderStack(stack, {}, { cache });
      return Promise.all(
        Object.entries(VARIANTS).map(async ([variant, { settings, options }]): Promise<VariantRun> => {
          const run = variant === "default" ? base : await renderStack(stack, settings, { ...options?.(base), cache });
          return { stack, variant, resources: run.resources, outputs: run.outputs };
        }),
      );
    }),
  );
  return buildContract(runs.flat(), Object.fromEntries(Object.entries(VARIANTS).map(([name, variant]) => [name, variant.doc])), CONFIG_KEYS);
}

/**
 * The identity file the render writes, refused when it would drop an identity, output or key of the `previous` file
 * without an alias (or the old name kept) and without `--removed` naming it.
 */
export async function identityFile(previous: string | undefined, removed: ReadonlySet<string>): Promise<string> {
  const contract = await renderContract();
  if (previous !== undefined) {
    const { breaking } = checkContract(readContract(previous), contract, removed);
    if (breaking.length > 0) {
      throw new Error(
        [
          `${IDENTITIES_FILE}: ${breaking.length} identit${breaking.length === 1 ? "y" : "ies"} of the previous release would disappear; nothing was rendered:`,
          ...breaking.map((finding) => `  - ${finding.message}`),
          "Add what each line says. To remove one on purpose (pulumi up then deletes the resource from each stack, or the output or key stops working): npm run render -- " +
            [...new Set(breaking.map(removalName))].map((name) => `--removed '${name}'`).join(" "),
        ].join("\n"),
      );
    }
  }
  return writeContract(contract);
}

/** Replaces every input that arrived as a secret with the marker (whatever its placeholder value was). */
function redact(resource: RecordedResource): Record<string, unknown> {
  const inputs = structuredClone(resource.inputs);
  for (const at of resource.secretPaths) {
    if (at === "") return { [REDACTED]: true };
    const keys = at.replace(/\[(\d+)\]/g, ".$1").split(".");
    let node = inputs as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    const last = keys[keys.length - 1];
    const value = node[last];
    node[last] = value !== null && typeof value === "object" ? Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED])) : REDACTED;
  }
  return inputs;
}

const KUBERNETES = /^kubernetes:([\w.]+\/)?(\w+):(\w+)$/;

/**
 * A file name for an object: its own name where the file system allows (255 bytes a name), else its first 200
 * characters and a hash of the whole, so a long but valid Kubernetes name (up to 253) still renders.
 */
function fileName(stem: string, extension: string): string {
  if (Buffer.byteLength(stem) + extension.length <= 255) return `${stem}${extension}`;
  return `${stem.slice(0, 200)}-${createHash("sha256").update(stem).digest("hex").slice(0, 12)}${extension}`;
}

/**
 * A YAML document with every string that holds one of `values` replaced by the secret marker, or undefined when a
 * value still shows in the document (as a key, say): a file that cannot be redacted is not written.
 */
export function redactValues(yamlText: string, values: readonly string[]): string | undefined {
  // The marker itself is what a redacted value reads.
  const known = values.filter((value) => value.length > 0 && value !== REDACTED);
  const holdsSecret = (text: string): boolean => known.some((value) => text.includes(value));
  const walk = (node: unknown): unknown =>
    typeof node === "string"
      ? holdsSecret(node)
        ? REDACTED
        : node
      : Array.isArray(node)
        ? node.map(walk)
        : node !== null && typeof node === "object"
          ? Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]))
          : node;
  const redacted = toYaml(walk(parse(yamlText)));
  return holdsSecret(redacted) ? undefined : redacted;
}

export interface RenderFileOptions {
  /**
   * The secret values the run was given. With them, an Alertmanager configuration that holds a secret (and so is
   * deployed inside the Secret) is also written as alertmanager/alertmanager.yml with those values replaced by the
   * marker, so it can be compared with a running Alertmanager. Without them it is only in the redacted Secret.
   */
  readonly secretValues?: readonly string[];
}

/** File name → content, for one stack. */
export function renderFiles(run: StackRun, options: RenderFileOptions = {}): Map<string, string> {
  const files = new Map<string, string>();
  const index: Record<string, unknown>[] = [];
  for (const resource of run.resources) {
    const inputs = redact(resource);
    const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    index.push({
      type: resource.type,
      name: resource.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      ...(metadata.name ? { objectName: metadata.name } : {}),
      ...(resource.parent ? { parent: resource.parent } : {}),
      // Kept in the cluster by `pulumi destroy` (shared with other stacks and teams; docs/adopting.md says how to remove it).
      ...(resource.retainOnDelete ? { retainOnDelete: true } : {}),
    });
    const kube = KUBERNETES.exec(resource.type);
    if (kube && resource.custom) {
      files.set(`kubernetes/${fileName(`${kube[3].toLowerCase()}-${metadata.name}`, ".yaml")}`, toYaml(inputs));
      const data = (inputs.data ?? {}) as Record<string, string>;
      if (resource.type === "kubernetes:core/v1:ConfigMap") {
        for (const [file, content] of Object.entries(data)) files.set(`${file.endsWith(".tmpl") || file === CONFIG_FILE ? "alertmanager" : "prometheus"}/${file}`, content);
      }
      const secretConfig = ((resource.inputs.stringData ?? {}) as Record<string, unknown>)[CONFIG_FILE];
      if (resource.type === "kubernetes:core/v1:Secret" && typeof secretConfig === "string" && options.secretValues) {
        const redacted = redactValues(secretConfig, options.secretValues);
        if (redacted !== undefined) files.set(`alertmanager/${CONFIG_FILE}`, redacted);
      }
    }
    if (resource.type === "grafana:oss/dashboard:Dashboard") {
      const json = JSON.parse(inputs.configJson as string) as { uid: string };
      files.set(`grafana/dashboard-${json.uid}.json`, toJson(json));
    } else if (resource.type.startsWith("grafana:") || resource.type === "pulumi:providers:grafana") {
      files.set(`grafana/${resource.type.split(":").pop()!.toLowerCase()}-${resource.name}.yaml`, toYaml(inputs));
    }
  }
  // The engine sees registrations in the order the program's promises settle; the file lists them by place instead.
  const place = (entry: Record<string, unknown>): string => `${String(entry.parent ?? "")}\0${String(entry.type)}\0${String(entry.name)}`;
  files.set("resources.yaml", toYaml(index.sort((a, b) => (place(a) < place(b) ? -1 : place(a) > place(b) ? 1 : 0))));
  files.set("outputs.yaml", toYaml(run.outputs));
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Renders every stack into a scratch directory beside `outDir` first, and only when all succeeded replaces each
 * `outDir/<stack>/` with its new tree: a failed render leaves the committed files as they were.
 */
/**
 * The identity file a render compares with: `file`, or when it is the project's own and missing (deleted to start
 * afresh), the one the last commit holds.
 */
function previousIdentities(file: string): string | undefined {
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  if (file !== path.join(RENDERED, IDENTITIES_FILE)) return undefined;
  const committed = spawnSync("git", ["show", `HEAD:${path.relative(ROOT, file)}`], { cwd: ROOT, encoding: "utf8" });
  return committed.status === 0 ? committed.stdout : undefined;
}

export interface RenderAllOptions {
  /** The identity file to compare with: @default `outDir`'s own, when it has one */
  readonly previousIdentities?: string;
  /** `--removed` values: identities, outputs and keys removed on purpose. */
  readonly removed?: ReadonlySet<string>;
}

export async function renderAll(outDir: string, stacks: readonly string[] = KNOWN_STACKS, options: RenderAllOptions = {}): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(outDir, ".render-"));
  const trees = stacks.map((stack) => ({ dir: stack, stack, example: {} }));
  const whole = KNOWN_STACKS.every((stack) => stacks.includes(stack));
  if (whole) {
    for (const [name, example] of Object.entries(EXAMPLES)) trees.push(...KNOWN_STACKS.map((stack) => ({ dir: path.join("examples", name, stack), stack, example })));
  }
  try {
    if (whole) {
      // First: a refused identity file leaves everything as it was.
      const previous = previousIdentities(options.previousIdentities ?? path.join(outDir, IDENTITIES_FILE));
      fs.writeFileSync(path.join(scratch, IDENTITIES_FILE), await identityFile(previous, options.removed ?? new Set()));
    }
    for (const { dir, stack, example } of trees) {
      const secretValues = Object.values(encryptedStandIns(stack));
      for (const [file, content] of renderFiles(await renderStack(stack, example), { secretValues })) {
        fs.mkdirSync(path.dirname(path.join(scratch, dir, file)), { recursive: true });
        fs.writeFileSync(path.join(scratch, dir, file), content);
      }
    }
    // The examples' tree is replaced whole, so an example removed from EXAMPLES leaves no files behind.
    const replaced = [...stacks, ...(whole ? ["examples", IDENTITIES_FILE] : [])];
    for (const dir of replaced) {
      const target = path.join(outDir, dir);
      const old = path.join(scratch, `${dir}.old`);
      if (fs.existsSync(target)) fs.renameSync(target, old);
      fs.renameSync(path.join(scratch, dir), target);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Every file under a directory, relative path → content. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}

/** Files that differ between two rendered trees (added, removed or changed). */
export function staleFiles(expected: Map<string, string>, actual: Map<string, string>): string[] {
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].filter((name) => expected.get(name) !== actual.get(name)).sort();
}

/** A unified diff of what two stacks render, file by file, leaving out the files that are the same. */
/** A stack's own names (namespace, object names, environment), longest first, each with the placeholder it reads as. */
function ownNames(stack: string, files: ReadonlyMap<string, string>): [string, string][] {
  const outputs = parse(files.get("outputs.yaml") ?? "{}") as Record<string, unknown>;
  const dashboardUid = [...files.keys()].map((file) => /^grafana\/dashboard-(.+)\.json$/.exec(file)?.[1]).find(Boolean);
  const names: [unknown, string][] = [
    [outputs.appNamespace, "<appNamespace>"],
    [outputs.rulesConfigMap, "<rulesConfigMap>"],
    [dashboardUid, "<dashboardUid>"],
    [outputs.environment, "<environment>"],
    [stack, "<environment>"],
  ];
  const unique = new Map<string, string>();
  for (const [value, placeholder] of names) if (typeof value === "string" && value.length > 0 && !unique.has(value)) unique.set(value, placeholder);
  return [...unique].sort(([a], [b]) => b.length - a.length);
}

const substitute = (text: string, names: readonly [string, string][]): string => names.reduce((result, [value, placeholder]) => result.split(value).join(placeholder), text);

/**
 * How two stacks differ, file by file. Each stack's own names (its namespace, object names and environment) are read
 * as placeholders first, both in file names (so `configmap-prometheus-billing-rules-staging.yaml` pairs with
 * `…-production.yaml`) and in contents, and the header lists them: what remains is what really differs.
 */
export async function diffStacks(left: string, right: string): Promise<string> {
  const { createTwoFilesPatch } = await import("diff");
  const files = async (stack: string) => renderFiles(await renderStack(stack), { secretValues: Object.values(encryptedStandIns(stack)) });
  const [a, b] = [await files(left), await files(right)];
  const [namesA, namesB] = [ownNames(left, a), ownNames(right, b)];
  // A file's role: its name with the stack's names as placeholders, and no environment word of its own.
  const role = (file: string, names: readonly [string, string][]): string => substitute(file, names).replace(/-?<environment>-?/g, (match) => (match.startsWith("-") && match.endsWith("-") ? "-" : ""));
  const byRole = (tree: ReadonlyMap<string, string>, names: readonly [string, string][]) => new Map([...tree].map(([file, content]) => [role(file, names), { file, content: substitute(content, names) }]));
  const [rolesA, rolesB] = [byRole(a, namesA), byRole(b, namesB)];
  const placeholders = [...new Set([...namesA, ...namesB].map(([, placeholder]) => placeholder))];
  const header = placeholders.map((placeholder) => {
    const values = (names: readonly [string, string][]) => names.filter(([, p]) => p === placeholder).map(([value]) => value).join(", ") || "(none)";
    return `# ${placeholder}: ${left} ${values(namesA)}, ${right} ${values(namesB)}\n`;
  });
  const patches = [...new Set([...rolesA.keys(), ...rolesB.keys()])]
    .sort()
    .filter((name) => rolesA.get(name)?.content !== rolesB.get(name)?.content)
    .map((name) => {
      const [x, y] = [rolesA.get(name), rolesB.get(name)];
      return createTwoFilesPatch(x ? `${left}/${x.file}` : "/dev/null", y ? `${right}/${y.file}` : "/dev/null", x?.content ?? "", y?.content ?? "");
    });
  return [`# ${left} vs ${right}: each stack's own names read as placeholders\n`, ...header, ...patches].join("");
}

