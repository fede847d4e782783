/**
 * `alertmanagerBase`: the part of the shared Alertmanager's configuration other teams keep, as a YAML file in this
 * repository. Read and checked here, before anything is declared; alerts/routing.ts inserts the billing subtree.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { type Check, ok, problem } from "./checks";

/** The top-level keys of an Alertmanager configuration file. */
const KEYS = ["global", "templates", "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals", "tracing"];

/** A base configuration: what the team's file holds, checked for the shape the insertion needs. */
export interface AlertmanagerBase {
  /** The file, as given (relative to the project root). */
  readonly file: string;
  readonly config: {
    readonly global?: Readonly<Record<string, unknown>>;
    readonly templates?: readonly string[];
    readonly route: { readonly receiver: string; readonly routes?: readonly unknown[]; readonly [key: string]: unknown };
    readonly receivers: readonly { readonly name: string; readonly [key: string]: unknown }[];
    readonly inhibit_rules?: readonly unknown[];
    readonly time_intervals?: readonly { readonly name: string }[];
    readonly mute_time_intervals?: readonly { readonly name: string }[];
    readonly [key: string]: unknown;
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Reads and checks the base file (`root`: where relative paths start, the project root). */
export function alertmanagerBase(raw: string, root: string = process.cwd()): Check<AlertmanagerBase> {
  const file = path.resolve(root, raw);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return problem(`no file ${file}: give the path of the base configuration from the project root, e.g. alertmanager/base.yml`);
  }
  let config: unknown;
  try {
    config = parse(text);
  } catch (error) {
    return problem(`${raw} is not YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!isObject(config)) return problem(`${raw} must hold an Alertmanager configuration (a mapping with route and receivers)`);
  const unknown = Object.keys(config).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) return problem(`${raw}: ${unknown.map((key) => JSON.stringify(key)).join(", ")} ${unknown.length === 1 ? "is not a key" : "are not keys"} of an Alertmanager configuration; allowed: ${KEYS.join(", ")}`);
  const route = config.route;
  if (!isObject(route) || typeof route.receiver !== "string") return problem(`${raw}: route.receiver must name the receiver of every alert no route takes`);
  if (route.routes !== undefined && !Array.isArray(route.routes)) return problem(`${raw}: route.routes must be a list`);
  const receivers = config.receivers;
  if (!Array.isArray(receivers) || receivers.some((receiver) => !isObject(receiver) || typeof receiver.name !== "string")) return problem(`${raw}: receivers must be a list of receivers, each with a name`);
  const names = receivers.map((receiver) => (receiver as { name: string }).name);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) return problem(`${raw}: receiver ${JSON.stringify(repeated[0])} is defined twice`);
  if (!names.includes(route.receiver)) return problem(`${raw}: route.receiver ${JSON.stringify(route.receiver)} is not one of its receivers (${names.join(", ")})`);
  for (const key of ["time_intervals", "mute_time_intervals", "inhibit_rules"] as const) {
    if (config[key] !== undefined && !Array.isArray(config[key])) return problem(`${raw}: ${key} must be a list`);
  }
  if (config.templates !== undefined && (!Array.isArray(config.templates) || config.templates.some((t) => typeof t !== "string"))) return problem(`${raw}: templates must be a list of file globs`);
  return ok({ file: raw, config: config as AlertmanagerBase["config"] });
}
