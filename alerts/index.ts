/** Entry point of the alerting content: the rule groups and the Alertmanager configuration of a stack. */
import type { BillingConfig } from "../config";
import { ALERTING_PIPELINE_GROUP, alertingPipelineGroup } from "./alerting-pipeline";
import { ruleContext } from "./common";
import { creditsGroup } from "./credits";
import { pipelineGroup } from "./pipeline";
import { paymentsGroup } from "./payments";
import { sloGroups } from "./slo";
import { subscriptionsGroup } from "./subscriptions";
import { usageGroup } from "./usage";
import { isAlertRule, type AlertRule, type RuleGroup } from "./types";
import { webhooksGroup } from "./webhooks";

export { buildAlertmanagerConfig, emailTemplates } from "./routing";

/** The file name of the rule file inside its ConfigMap. */
export const RULE_FILE = "billing-alerts.yml";

export function buildRuleGroups(cfg: BillingConfig): RuleGroup[] {
  const ctx = ruleContext(cfg);
  // One Prometheus loads every environment's rule file: each group's name says whose it is.
  const nameOf = (name: string): string => `${name}-${cfg.environment}`;
  const named = (group: RuleGroup): RuleGroup => ({ ...group, name: nameOf(group.name) });
  const groups = [paymentsGroup(ctx), webhooksGroup(ctx), subscriptionsGroup(ctx), usageGroup(ctx), creditsGroup(ctx), ...sloGroups(ctx), pipelineGroup(ctx)].map(named);
  // The pipeline's group watches every billing group's evaluation, its own included.
  const watched = [...groups.map((group) => group.name), nameOf(ALERTING_PIPELINE_GROUP)];
  return [...groups, named(alertingPipelineGroup(ctx, watched))];
}

export function alertRules(groups: readonly RuleGroup[]): AlertRule[] {
  return groups.flatMap((group) => group.rules.filter(isAlertRule));
}

/** The rule groups as Prometheus' rule file format reads them (durations as text, keys in rule-file order). */
export interface RuleFileDocument {
  groups: { name: string; interval: string; rules: Record<string, unknown>[] }[];
}

export function ruleFileDocument(groups: readonly RuleGroup[]): RuleFileDocument {
  return {
    groups: groups.map((group) => ({
      name: group.name,
      interval: group.interval.text,
      rules: group.rules.map((rule) =>
        isAlertRule(rule)
          ? { alert: rule.alert, expr: rule.expr, for: rule.for.text, labels: { ...rule.labels }, annotations: { ...rule.annotations } }
          : { record: rule.record, expr: rule.expr, ...(rule.labels ? { labels: { ...rule.labels } } : {}) },
      ),
    })),
  };
}
