/**
 * Alerts on the alerting pipeline itself, read from Prometheus' and Alertmanager's own series (SERVER_METRICS):
 * notifications failing per integration, billing rules failing to evaluate, alerts Prometheus drops or cannot send,
 * its queue filling up, and a configuration reload refused. Where each is routed so that a failing channel is not
 * the only one told: alerts/routing.ts (`emailFailingRoute`, the Watchdog inhibition).
 */
import { describeDuration } from "../common/duration";
import { percent } from "../common/format";
import { SERVER_METRICS } from "../promql/metrics";
import { escapeRegex, literal, type Matchers, rate, regex, select, sumBy } from "../promql/index";
import { alertRule, annotations, labels, RUNBOOKS, type RuleContext } from "./common";
import { INTEGRATIONS, listed } from "./integrations";
import type { AlertRule, RuleGroup, Severity } from "./types";

/** The group's name before the environment is appended; its own evaluation failures are watched too. */
export const ALERTING_PIPELINE_GROUP = "billing-alerting-pipeline";

export const NOTIFICATIONS_FAILING = "AlertmanagerNotificationsFailing";
export const RULE_EVALUATION_FAILING = "PrometheusRuleEvaluationFailures";
export const NOTIFICATIONS_DROPPED = "PrometheusNotificationsDropped";
export const NOTIFICATION_QUEUE_FULL = "PrometheusNotificationQueueFull";
export const PROMETHEUS_RELOAD_FAILED = "PrometheusConfigReloadFailed";
export const ALERTMANAGER_RELOAD_FAILED = "AlertmanagerConfigReloadFailed";
export const ALERTMANAGER_UNREACHABLE = "PrometheusAlertmanagerUnreachable";

/** The `integration` label Alertmanager gives its email notifier: the channel every billing alert relies on by default. */
export const EMAIL_INTEGRATION = "email";

/**
 * Severities, from the seed's response times (critical: 15 minutes, warning: 1 hour): what means billing alerts are
 * not reaching anyone now is critical; what keeps today's alerts flowing but risks the next ones is a warning.
 */
const SEVERITY: Readonly<Record<string, Severity>> = {
  [NOTIFICATIONS_FAILING]: "critical",
  [RULE_EVALUATION_FAILING]: "critical",
  [ALERTMANAGER_UNREACHABLE]: "critical",
  // Prometheus re-sends every firing alert each resend delay (1m), so a drop delays a notification; persistent
  // drops from send errors also raise PrometheusAlertmanagerUnreachable, which pages.
  [NOTIFICATIONS_DROPPED]: "warning",
  [NOTIFICATION_QUEUE_FULL]: "warning",
  // A refused reload keeps the previous configuration serving: today's alerts still flow; the change does not.
  [PROMETHEUS_RELOAD_FAILED]: "warning",
  [ALERTMANAGER_RELOAD_FAILED]: "warning",
};

/**
 * The group. `watchedGroups` are the full names (environment appended) of the billing rule groups whose evaluation
 * failures it reports, its own among them.
 */
export function alertingPipelineGroup(ctx: RuleContext, watchedGroups: readonly string[]): RuleGroup {
  const { cfg } = ctx;
  const prometheus: Matchers = { job: cfg.prometheusJob };
  const alertmanager: Matchers = { job: cfg.alertmanagerJob };
  const window = cfg.alertingPipelineWindow.text;
  const over = `over the last ${describeDuration(cfg.alertingPipelineWindow)}`;
  const lasting = `for ${describeDuration(cfg.alertingPipelineFor)}`;
  const rule = (alert: string, expr: string, text: { summary: string; description: string; action: readonly string[] }): AlertRule =>
    alertRule({ alert, expr, for: cfg.alertingPipelineFor, labels: labels(ctx, SEVERITY[alert]), annotations: annotations(ctx, text, RUNBOOKS.alertingPipeline, "firingAlerts") });
  const reloadFailed = (alert: string, server: string, metric: typeof SERVER_METRICS.prometheusConfigReloadSuccessful | typeof SERVER_METRICS.alertmanagerConfigReloadSuccessful, job: Matchers) =>
    rule(alert, `${select(metric, job)} == 0`, {
      summary: `${server} refused its new configuration`,
      description: `${server} {{ $labels.instance }} has failed to reload its configuration ${lasting}: it keeps running the previous one, so the change deployed last is not live, and a restart would fail to start.`,
      action: [`Read the reload error in the log of ${server}.`, "Fix the configuration (npm run render, then promtool or amtool check) and deploy again.", "Follow the runbook."],
    });
  // Group names are `<file>;<group>` in Prometheus' label: any file, only billing's groups of this environment.
  const billingGroups = regex(`.+;(${watchedGroups.map(escapeRegex).join("|")})`);
  return {
    name: ALERTING_PIPELINE_GROUP,
    interval: cfg.ruleEvaluationInterval,
    rules: [
      rule(
        NOTIFICATIONS_FAILING,
        // Failed is counted once a notification's retries ran out, so the share is of notifications lost, per channel.
        `${sumBy(["integration"], rate(select(SERVER_METRICS.notificationsFailed, alertmanager), window))}\n/\n${sumBy(["integration"], rate(select(SERVER_METRICS.notifications, alertmanager), window))}\n> ${literal(cfg.notificationFailureRatio)}`,
        {
          summary: "Alertmanager notifications are failing",
          description:
            `{{ $value | humanizePercentage }} of Alertmanager's {{ $labels.integration }} notifications failed ${over}, above ${percent(cfg.notificationFailureRatio)} ${lasting}. ` +
            `Alerts routed only to that channel reach nobody. A failing email is told through ${listed(INTEGRATIONS.filter((i) => i.emailFailing).map((i) => i.name))} when configured, and silences the Watchdog so the heartbeat service pages; any other failing channel is told by email.`,
          action: ["Read Alertmanager's log for the failing integration's error (authentication, TLS, HTTP status).", "Check the channel's credentials and the provider's status page.", "Follow the runbook."],
        },
      ),
      rule(RULE_EVALUATION_FAILING, `${sumBy(["rule_group"], `increase(${select(SERVER_METRICS.ruleEvaluationFailures, { ...prometheus, rule_group: billingGroups })}[${window}])`)} > 0`, {
        summary: "Billing rules fail to evaluate",
        description: `Prometheus failed to evaluate rules of {{ $labels.rule_group }} about {{ $value | humanize }} times ${over}, ${lasting}. The alerts of that group are blind while it fails.`,
        action: ["Open Prometheus' Rules page: the failing rule shows its last error.", "Fix the rule (or the series it reads) and deploy again.", "Follow the runbook."],
      }),
      // Prometheus 3 keeps a queue per Alertmanager and counts its drops by `alertmanager`: one replica of a cluster
      // down drops its copies while the others deliver, so only drops at every Alertmanager count (min across them).
      rule(NOTIFICATIONS_DROPPED, `min without (alertmanager) (increase(${select(SERVER_METRICS.notificationsDropped, prometheus)}[${window}])) > 0`, {
        summary: "Prometheus drops alerts meant for Alertmanager",
        description: `Prometheus {{ $labels.instance }} dropped about {{ $value | humanize }} alerts for every Alertmanager ${over}, ${lasting}, because they failed to take them or the queue was full. Firing alerts are re-sent each resend delay; persistent drops lose notifications.`,
        action: ["Check PrometheusAlertmanagerUnreachable and PrometheusNotificationQueueFull.", "Read Prometheus' log for 'Error sending alert'.", "Follow the runbook."],
      }),
      // Prometheus 3's queue lengths are per Alertmanager, its capacity is not: the emptiest queue, over the capacity.
      rule(NOTIFICATION_QUEUE_FULL, `min without (alertmanager) (${select(SERVER_METRICS.notificationsQueueLength, prometheus)})\n/\n${select(SERVER_METRICS.notificationsQueueCapacity, prometheus)}\n> ${literal(cfg.notificationQueueFullRatio)}`, {
        summary: "Prometheus' alert queue is nearly full",
        description: `Prometheus {{ $labels.instance }}'s queue of alerts for Alertmanager is {{ $value | humanizePercentage }} full, above ${percent(cfg.notificationQueueFullRatio)} ${lasting}. A full queue drops the oldest alerts.`,
        action: ["Check whether Alertmanager answers slowly or a rule fires a flood of alerts.", "Follow the runbook."],
      }),
      reloadFailed(PROMETHEUS_RELOAD_FAILED, "Prometheus", SERVER_METRICS.prometheusConfigReloadSuccessful, prometheus),
      reloadFailed(ALERTMANAGER_RELOAD_FAILED, "Alertmanager", SERVER_METRICS.alertmanagerConfigReloadSuccessful, alertmanager),
      rule(
        ALERTMANAGER_UNREACHABLE,
        // Every Alertmanager failing (min across them), not one replica: the others deliver, and the cluster dedups.
        `min without (alertmanager) (\n  ${rate(select(SERVER_METRICS.notificationErrors, prometheus), window)}\n  /\n  ${rate(select(SERVER_METRICS.notificationsSent, prometheus), window)}\n) > ${literal(cfg.notificationFailureRatio)}\nor\n${select(SERVER_METRICS.alertmanagersDiscovered, prometheus)} < 1`,
        {
          summary: "Prometheus cannot reach any Alertmanager",
          description:
            `Prometheus {{ $labels.instance }} has discovered no Alertmanager, or failed to send more than ${percent(cfg.notificationFailureRatio)} of its alerts to each one ${over}, ${lasting}. ` +
            "No billing alert reaches anyone, and this one only arrives if some Alertmanager still takes it: the heartbeat service is what tells.",
          action: ["Open Prometheus' Status > Runtime page and its log for 'Error sending alert'.", "Check Alertmanager's pods and Service, and the network between them.", "Follow the runbook."],
        },
      ),
    ],
  };
}
