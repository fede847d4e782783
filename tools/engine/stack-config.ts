/**
 * A project and a stack's config as the Pulumi CLI reads them: `Pulumi.yaml` (name, runtime options) and
 * `Pulumi.<stack>.yaml` (`config:`), turned into the `namespace:key` → string map the CLI hands the language host.
 *
 * Like the CLI (its `config.Value` decodes a scalar into a Go string with yaml.v3, which keeps the scalar's text): a
 * key without a namespace belongs to the project; a scalar is passed as written, so `imageTag: 1.10` arrives as
 * "1.10", `enabled: true` as "true" and an empty value or `~` as ""; a list or map as its JSON text. Unlike the CLI:
 * there is no secrets provider, so a `secure:` value is refused unless the caller supplies that secret itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { isMap, isScalar, parse, parseDocument, type Scalar } from "yaml";

export interface Project {
  readonly name: string;
  /** The folder holding Pulumi.yaml. */
  readonly root: string;
  /** The program folder (`main:` of Pulumi.yaml, else the root). */
  readonly programDir: string;
  /** The entry the host passes to cmd/run: `main:` of Pulumi.yaml, else ".". */
  readonly entry: string;
  /** runtime.options.nodeargs, split as the host splits them. */
  readonly nodeargs: readonly string[];
  /** runtime.options.typescript (default true). */
  readonly typescript: boolean;
  /** runtime.options.tsconfig, when set. */
  readonly tsconfig?: string;
}

interface ProjectFile {
  name?: unknown;
  main?: unknown;
  runtime?: unknown;
}

export function readProject(root: string): Project {
  const file = path.join(root, "Pulumi.yaml");
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as ProjectFile;
  if (typeof document.name !== "string" || document.name === "") throw new Error(`${file}: "name" must be set`);
  const runtime = typeof document.runtime === "object" && document.runtime !== null ? (document.runtime as { options?: Record<string, unknown> }) : {};
  const options = runtime.options ?? {};
  const main = typeof document.main === "string" ? document.main : undefined;
  return {
    name: document.name,
    root,
    programDir: main ? path.resolve(root, main) : root,
    entry: main ?? ".",
    nodeargs: typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
    typescript: options.typescript !== false && options.typescript !== "false",
    ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
  };
}

/** A scalar as yaml.v3 decodes it into a string: a quoted or block scalar's value, a plain one as written, null as "". */
function scalarText(node: Scalar | null): string {
  if (node === null || node.value === null) return "";
  if (typeof node.value === "string") return node.value;
  return node.source ?? String(node.value);
}

/** `namespace:key`, with the project as the namespace of a bare key. */
export function qualifiedKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

export interface StackFileConfig {
  /** `namespace:key` → value, as the CLI passes it. */
  readonly values: Readonly<Record<string, string>>;
  /** `namespace:key` of the values stored encrypted (`secure:`), which only a secrets provider can read. */
  readonly encrypted: readonly string[];
}

/** The stack file's config; an absent file is an empty config, as for a stack made with `pulumi stack init`. */
export function readStackConfig(project: Project, stack: string): StackFileConfig {
  const file = path.join(project.root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return { values: {}, encrypted: [] };
  const document = parseDocument(fs.readFileSync(file, "utf8"));
  // The first error alone, with the file's name and the position but not the offending line, which may hold a secret.
  const [error] = document.errors;
  if (error) {
    const at = error.linePos?.[0];
    const what = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new Error(`${path.basename(file)}${at ? `:${at.line}:${at.col}` : ""}: ${what} (the line is not shown: it may hold a secret)`);
  }
  const config = document.get("config", true);
  const values: Record<string, string> = {};
  const encrypted: string[] = [];
  if (config === undefined || config === null || (isScalar(config) && config.value === null)) return { values, encrypted };
  if (!isMap(config)) throw new Error(`${path.basename(file)}: "config" must be a map of keys to values`);
  const plain = (document.toJS() as { config: Record<string, unknown> }).config;
  for (const pair of config.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const qualified = qualifiedKey(project.name, key);
    const node = pair.value;
    if (isScalar(node) || node === null) {
      values[qualified] = scalarText(node as Scalar | null);
      continue;
    }
    const value = plain[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) {
      encrypted.push(qualified);
    } else {
      values[qualified] = JSON.stringify(value);
    }
  }
  return { values, encrypted };
}
