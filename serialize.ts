/** The one place content becomes text: YAML for Prometheus, Alertmanager and Kubernetes, JSON for Grafana. */
import { stringify } from "yaml";

/** YAML with stable output: no line folding, so a long PromQL expression diffs line by line. */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, blockQuote: "literal" });
}

/** Pretty JSON with keys in the order the builders wrote them. */
export function toJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
