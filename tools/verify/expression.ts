/**
 * PromQL text compared by meaning of layout: Prometheus' /api/v1/rules returns each expression as its parser prints
 * it, not as the rule file has it (its own spacing and parentheses, label matchers sorted by name). Both sides are
 * parsed with Prometheus' own grammar (@prometheus-io/lezer-promql) and printed as their tokens, single-spaced, with
 * each selector's matchers sorted.
 */
import type { parser as LezerParser } from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };

// The package is ES-module typed but ships CommonJS too.
export const { parser } = require("@prometheus-io/lezer-promql") as { parser: typeof LezerParser };

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

/** One canonical spelling of an expression: equal for the rule file's text and Prometheus' print of it. */
export function canonicalExpression(expr: string): string {
  const tokens = (node: SyntaxNode): string[] => {
    if (node.type.name === "LabelMatchers") {
      const matchers: string[] = [];
      for (let child = node.firstChild; child; child = child.nextSibling) if (child.type.name.endsWith("LabelMatcher")) matchers.push(tokens(child).join(""));
      return [`{${matchers.sort().join(",")}}`];
    }
    if (!node.firstChild) return [expr.slice(node.from, node.to)];
    // Punctuation (parentheses, brackets, commas) is not in the tree: it is the text between the children.
    const gap = (from: number, to: number): string[] => [...expr.slice(from, to).replace(/\s+/g, "")];
    const out: string[] = [];
    let at = node.from;
    for (let child: SyntaxNode | null = node.firstChild; child; child = child.nextSibling) {
      out.push(...gap(at, child.from), ...tokens(child));
      at = child.to;
    }
    return [...out, ...gap(at, node.to)];
  };
  return tokens(parser.parse(expr).topNode).join(" ");
}
