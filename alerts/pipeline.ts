/** The alerting pipeline itself: a heartbeat that always fires, and missing billing metrics. */
import { describeDuration, duration } from "../common/duration";
import { METRICS } from "../promql/metrics";
import { select } from "../promql/index";
import { alertRule, annotations, labels, RUNBOOKS, type RuleContext } from "./common";
import { HEARTBEAT_SEVERITY, type RuleGroup } from "./types";

export const WATCHDOG = "Watchdog";
export const METRICS_ABSENT = "BillingMetricsAbsent";

export function pipelineGroup(ctx: RuleContext): RuleGroup {
  const { cfg } = ctx;
  return {
    // Named before the family was called the pipeline; kept, since Prometheus keys its rule-group metrics (and
    // whoever graphs them) on the name.
    name: "billing-meta",
    interval: cfg.ruleEvaluationInterval,
    rules: [
      alertRule({
        alert: WATCHDOG,
        expr: "vector(1)",
        // Fires at once and for ever: its absence at the heartbeat service is the alert.
        for: duration("0s"),
        watch: { kind: "always" },
        labels: labels(ctx, HEARTBEAT_SEVERITY),
        annotations: annotations(
          ctx,
          {
            summary: "Alerting pipeline heartbeat",
            description: `Always firing, so the heartbeat service notices when Prometheus or Alertmanager of ${cfg.environment} stop delivering.`,
            action: ["Nothing while it fires. When the heartbeat service reports it missing, follow the runbook."],
          },
          RUNBOOKS.pipeline,
          "firingAlerts",
        ),
      }),
      alertRule({
        alert: METRICS_ABSENT,
        // The polled gauge exists whenever the billing plugin is scraped, so its absence means the scrape target is
        // down, gone, or no longer exports billing metrics: every other billing alert is blind then.
        expr: `absent(${select(METRICS.subscriptionsActive, ctx.app)})`,
        for: cfg.metricsAbsentFor,
        watch: { kind: "absence", metric: METRICS.subscriptionsActive },
        labels: labels(ctx, "critical"),
        annotations: annotations(
          ctx,
          {
            summary: "Billing metrics are missing",
            description:
              `Prometheus has had no billing metrics from ${cfg.appNamespace} for ${describeDuration(cfg.metricsAbsentFor)}: ` +
              "the app is down, not scraped, or its billing plugin is off. Every other billing alert is blind until this clears.",
            action: [
              `Check the pods of ${cfg.appDeployment} in ${cfg.appNamespace} and their /metrics endpoint.`,
              "Check the scrape target's state on Prometheus' Targets page.",
              "Follow the runbook.",
            ],
          },
          RUNBOOKS.pipeline,
          "activeSubscriptions",
        ),
      }),
    ],
  };
}
