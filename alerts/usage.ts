/** Usage: no alert, only the fixes-consumed rate the dashboard reads over 24 h. */
import { METRICS } from "../promql/metrics";
import { countIn, perSecond, select, sumBy } from "../promql/index";
import { USAGE_LABELS } from "./records";
import type { RuleContext } from "./common";
import type { RuleGroup } from "./types";

export function usageGroup(ctx: RuleContext): RuleGroup {
  const { rateWindow } = ctx.cfg;
  return {
    name: "billing-usage",
    interval: ctx.cfg.ruleEvaluationInterval,
    rules: [{ record: ctx.records.fixesConsumed, expr: perSecond(sumBy(USAGE_LABELS, countIn(select(METRICS.fixesConsumed, ctx.app), ctx.window)), rateWindow) }],
  };
}
