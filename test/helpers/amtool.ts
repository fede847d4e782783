/** amtool, run on files: configuration check, routing test, template rendering (Alertmanager's own code, the current release unless asked). */
import type { Release } from "../../tools/servers";
import { runTool, type ToolResult } from "./tools";

const amtool = (args: readonly string[], release: Release = "current"): ToolResult => runTool("amtool", args, undefined, release);

export function checkConfig(configFile: string, release: Release = "current"): ToolResult {
  return amtool(["check-config", configFile], release);
}

/** Label set → the receivers amtool resolves it to, in route-tree order. */
export function routeReceivers(configFile: string, labels: Readonly<Record<string, string>>): string[] {
  const result = amtool(["config", "routes", "test", `--config.file=${configFile}`, ...labelArgs(labels)]);
  if (result.status !== 0) throw new Error(`amtool config routes test failed: ${result.stderr}`);
  return result.stdout.trim().split(",").filter(Boolean);
}

/** `amtool config routes test --verify.receivers`: exit code 0 only when the label set resolves to exactly these. */
export function verifyReceivers(configFile: string, labels: Readonly<Record<string, string>>, receivers: readonly string[]): ToolResult {
  return amtool(["config", "routes", "test", `--config.file=${configFile}`, `--verify.receivers=${receivers.join(",")}`, ...labelArgs(labels)]);
}

/**
 * Executes `text` with Alertmanager's template engine over the template files `glob` and the notification data in
 * `dataFile` (JSON of Alertmanager's template.Data), as the email notifier executes a header or body.
 */
export function renderTemplate(glob: string, text: string, dataFile: string, type: "text" | "html"): string {
  const result = amtool(["template", "render", `--template.glob=${glob}`, `--template.text=${text}`, `--template.type=${type}`, `--template.data=${dataFile}`]);
  if (result.status !== 0) throw new Error(`amtool template render failed: ${result.stderr}`);
  return result.stdout;
}

function labelArgs(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
}
