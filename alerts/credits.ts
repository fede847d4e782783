/** Credits: unusually large grants. */
import { describeDuration } from "../common/duration";
import { METRICS } from "../promql/metrics";
import { countIn, histogramQuantile, literal, select, sumBy } from "../promql/index";
import { alertRule, annotations, labels, RUNBOOKS, type RuleContext } from "./common";
import type { RuleGroup } from "./types";

export function creditsGroup(ctx: RuleContext): RuleGroup {
  return {
    name: "billing-credits",
    interval: ctx.cfg.ruleEvaluationInterval,
    rules: [
      alertRule({
        alert: "BillingCreditGrantAnomalyDetected",
        expr: `${histogramQuantile(0.99, sumBy(["namespace", "le"], countIn(select(METRICS.creditsAdded, ctx.app, "bucket"), ctx.cfg.creditGrantWindow.text)))} > ${literal(ctx.cfg.creditGrantP99Threshold)}`,
        for: ctx.cfg.creditGrantFor,
        watch: { kind: "quantile", metric: METRICS.creditsAdded, quantile: 0.99, window: ctx.cfg.creditGrantWindow, threshold: ctx.cfg.creditGrantP99Threshold },
        labels: labels(ctx, "info"),
        annotations: annotations(
          ctx,
          {
            summary: "Unusually large credit grants",
            description:
              `p99 of credits per grant in {{ $labels.namespace }} is {{ $value | humanize }} over the last ${describeDuration(ctx.cfg.creditGrantWindow)}, ` +
              `above ${ctx.cfg.creditGrantP99Threshold} for ${describeDuration(ctx.cfg.creditGrantFor)}.`,
            action: [
              "List the largest recent grants in the credit ledger and their source (purchase, admin, refund).",
              "Confirm admin grants with whoever made them; a bug in a signup bonus shows as many equal grants.",
            ],
          },
          RUNBOOKS.credits,
          "creditsOverview",
        ),
      }),
    ],
  };
}
