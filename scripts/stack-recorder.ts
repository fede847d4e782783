/**
 * Runs the real Pulumi program (index.ts) for one stack with Pulumi's engine replaced by an in-process recorder:
 * Pulumi's own unit-test mocks. No CLI, cloud or cluster. Every resource is recorded with its type, name, parent and
 * inputs; secret inputs are unwrapped and their paths noted, so callers can check where secrets land.
 *
 * Used by the tests (test/helpers/stack.ts) and by the renderer (scripts/render.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { PROJECT } from "../config";

export const ROOT = path.resolve(__dirname, "..");

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent resource; absent for the stack's top-level resources. */
  readonly parent?: string;
  /** False for component resources. */
  readonly custom: boolean;
  /** Inputs with secrets unwrapped to their plain values. */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that arrived as secrets ("" when the whole input object was one secret). */
  readonly secretPaths: readonly string[];
  readonly retainOnDelete: boolean;
  /** `urn::id` of the explicit provider the resource is managed by; absent for the default provider. */
  readonly provider?: string;
}

export interface StackRun {
  readonly stack: string;
  readonly resources: readonly RecordedResource[];
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the outputs that are secrets. */
  readonly secretOutputs: readonly string[];
}

/** A stack's config as written in its Pulumi.<stack>.yaml (keys without the project prefix). */
export function readStackFile(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document.config ?? {})) {
    const [project, name] = key.includes(":") ? key.split(":", 2) : [PROJECT, key];
    if (project === PROJECT) values[name] = value;
  }
  return values;
}

function unwrapSecrets(value: unknown, at: string, secretPaths: string[]): unknown {
  if (pulumi.runtime.isRpcSecret(value)) {
    secretPaths.push(at);
    return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value), at, []);
  }
  if (Array.isArray(value)) return value.map((item, i) => unwrapSecrets(item, `${at}[${i}]`, secretPaths));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrapSecrets(item, at ? `${at}.${key}` : key, secretPaths)]));
  }
  return value;
}

const typeAndName = (urn: string): string => {
  // urn:pulumi:stack::project::parentType$type::name
  const parts = urn.split("::");
  const types = parts[2].split("$");
  return `${types[types.length - 1]}::${parts[3]}`;
};

export interface RecordOptions {
  readonly stack: string;
  /** Config values by key (no project prefix); objects and arrays are passed as JSON, like Pulumi does. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Secret config values by key (what `pulumi config set --secret` stores). */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Runs index.ts once for a stack and returns everything it declared. Throws what the program throws. */
export async function recordStack(options: RecordOptions): Promise<StackRun> {
  const resources: RecordedResource[] = [];
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...options.config, ...options.secrets })) {
    if (value === undefined) continue;
    flat[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(flat, Object.keys(options.secrets).map((key) => `${PROJECT}:${key}`));

  const pending = new Map<string, { parent?: string; retainOnDelete: boolean }>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const secretPaths: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretPaths) as Record<string, unknown>;
        const extra = pending.get(`${args.type}::${args.name}`) ?? { retainOnDelete: false };
        resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs, secretPaths, ...extra, ...(args.provider ? { provider: args.provider } : {}) });
        const id = args.custom ? `${args.name}-id` : undefined;
        // Echo inputs back as state; give Grafana objects the computed fields the program reads.
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "grafana:oss/folder:Folder") state.uid = `${args.name}-uid`;
        if (args.type === "grafana:oss/dashboard:Dashboard") state.url = `https://grafana.invalid/d/${args.name}`;
        return { id, state };
      },
      call(args) {
        throw new Error(`the program made a call the recorder does not know: ${args.token}`);
      },
    },
    PROJECT,
    options.stack,
    false,
  );

  // The mocks' newResource does not see the parent or resource options; read them off the registration request.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: unknown): Promise<void> };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const parent = req.getParent();
    pending.set(`${req.getType()}::${req.getName()}`, {
      ...(parent ? { parent: typeAndName(parent) } : {}),
      retainOnDelete: req.getRetainondelete() ?? false,
    });
    return register(req, callback);
  };

  // The program module is loaded once; each run calls its default export afresh.
  const program = (require(path.join(ROOT, "index")) as { default: () => Record<string, unknown> }).default;
  const declared = program();

  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(declared)) {
    if (pulumi.Output.isInstance(value)) {
      outputs[name] = await new Promise((resolve) => value.apply(resolve));
      if (await pulumi.isSecret(value)) secretOutputs.push(name);
    } else {
      outputs[name] = value;
    }
  }
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { stack: options.stack, resources, outputs, secretOutputs };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getRetainondelete(): boolean | undefined;
}
