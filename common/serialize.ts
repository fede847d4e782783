/** The one place content becomes text: YAML for Prometheus, Alertmanager and Kubernetes, JSON for Grafana. */
import { Document, isScalar, stringify, visit } from "yaml";

export interface YamlOptions {
  /** Keys whose lists of plain values are written on one line (`variants: [default, operator]`). */
  readonly inlineLists?: readonly string[];
}

/** YAML with stable output: no line folding, so a long PromQL expression diffs line by line. */
export function toYaml(document: unknown, options: YamlOptions = {}): string {
  const format = { lineWidth: 0, blockQuote: "literal" } as const;
  const inline = options.inlineLists ?? [];
  if (inline.length === 0) return stringify(document, format);
  const doc = new Document(document);
  visit(doc, {
    Pair(_key, pair) {
      const { key, value } = pair as { key: unknown; value: unknown };
      if (isScalar(key) && inline.includes(String(key.value)) && value && typeof value === "object" && "items" in value) {
        const list = value as { items: unknown[]; flow?: boolean };
        if (list.items.every(isScalar)) list.flow = true;
      }
    },
  });
  return doc.toString({ ...format, flowCollectionPadding: false });
}

/** Pretty JSON with keys in the order the builders wrote them. */
export function toJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
