/**
 * promtool cases of the alerting pipeline's alerts (alerts/alerting-pipeline.ts). Their prose, ratios and job labels
 * are the stack's (alertingPipelineWindow, alertingPipelineFor, notificationFailureRatio, notificationQueueFullRatio,
 * prometheusJob, alertmanagerJob); their timings are drawn for a 15-minute window held 5 minutes, the defaults, and a
 * stack that changes those fails here until cases are drawn for it. The servers' own series carry an instance too,
 * as Prometheus' self-scrape gives them.
 */
import { INTEGRATIONS } from "../../../alerts/integrations";
import type { BillingConfig } from "../../../config";
import { SERVER_METRICS } from "../../../promql/metrics";
import { type AlertCase, type Annotate, counter, gauge, type InputSeries, inWords, type Labels, series, type StackFacts, thresholdPercent } from "../../helpers/promtool-cases";

const RUNBOOK = "alerting-pipeline.md";
/** The integrations that tell of failing email, as prose lists them: "Slack, PagerDuty and Microsoft Teams". */
const names = INTEGRATIONS.filter((integration) => integration.emailFailing).map((integration) => integration.name);
const EMAIL_FAILING_CHANNELS = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}` : names.join("");
const FIRING_ALERTS_PANEL = 12;

export function alertingPipelineCases(f: StackFacts, cfg: BillingConfig, annotations: Annotate): AlertCase[] {
  if (cfg.alertingPipelineWindow.seconds !== 900 || cfg.alertingPipelineFor.seconds !== 300) {
    throw new Error(`the alerting pipeline's cases are timed for a 15m window held 5m; ${f.stack} sets ${cfg.alertingPipelineWindow.text} and ${cfg.alertingPipelineFor.text}: draw its cases`);
  }
  const PROMETHEUS = { job: cfg.prometheusJob, instance: "localhost:9090" };
  const ALERTMANAGER = { job: cfg.alertmanagerJob, instance: "alertmanager:9093" };
  const [window, holdFor, failing, full] = [inWords(cfg.alertingPipelineWindow), inWords(cfg.alertingPipelineFor), thresholdPercent(cfg.notificationFailureRatio), thresholdPercent(cfg.notificationQueueFullRatio)];
  /** A case in which `alert` fires, once, with the labels its expression keeps and the annotations written out. */
  const fires = (alert: string, name: string, input: InputSeries[], evalAt: string, severity: string, labels: Labels, summary: string, description: string): AlertCase => ({
    name,
    kind: "fires",
    alert,
    minutes: 30,
    input,
    evalAt,
    expected: [
      {
        exp_labels: { ...labels, severity, environment: cfg.environment, namespace: f.namespace, team: cfg.teamLabel },
        exp_annotations: annotations(alert, RUNBOOK, FIRING_ALERTS_PANEL, summary, description),
      },
    ],
  });

  /** Notifications of one integration a minute: attempted, and failed among them. */
  const notifications = (integration: string, total: string, failed: string): InputSeries[] => [
    { series: series(SERVER_METRICS.notifications.name, { ...ALERTMANAGER, integration }), values: total },
    { series: series(SERVER_METRICS.notificationsFailed.name, { ...ALERTMANAGER, integration }), values: failed },
  ];
  const ruleFailures = (group: string, values: string): InputSeries => ({
    series: series(SERVER_METRICS.ruleEvaluationFailures.name, { ...PROMETHEUS, rule_group: `/etc/prometheus/rules/billing-alerts.yml;${group}` }),
    values,
  });
  /** Prometheus 2's one queue: drops and length without an `alertmanager` label. */
  const dropped = (values: string): InputSeries[] => [{ series: series(SERVER_METRICS.notificationsDropped.name, PROMETHEUS), values }];
  const queue = (length: string): InputSeries[] => queues([length]);
  /** Prometheus 3's queue per Alertmanager: one value list per Alertmanager. */
  const perAlertmanager = (i: number) => ({ ...PROMETHEUS, alertmanager: `http://alertmanager-${i}:9093/api/v2/alerts` });
  const droppedPerAlertmanager = (values: readonly string[]): InputSeries[] => values.map((v, i) => ({ series: series(SERVER_METRICS.notificationsDropped.name, perAlertmanager(i)), values: v }));
  const queues = (lengths: readonly string[]): InputSeries[] => [
    ...lengths.map((length, i) => ({ series: series(SERVER_METRICS.notificationsQueueLength.name, lengths.length > 1 ? perAlertmanager(i) : PROMETHEUS), values: length })),
    { series: series(SERVER_METRICS.notificationsQueueCapacity.name, PROMETHEUS), values: gauge([30, 10000]) },
  ];
  /** Alerts Prometheus sent to two Alertmanagers a minute, 10 to each, with `errors` of them failing at each. */
  const sent = (errors: readonly [number, number], discovered: string): InputSeries[] => [
    ...[0, 1].flatMap((i) => {
      const labels = { ...PROMETHEUS, alertmanager: `http://alertmanager-${i}:9093/api/v2/alerts` };
      return [
        { series: series(SERVER_METRICS.notificationsSent.name, labels), values: counter([30, 10]) },
        { series: series(SERVER_METRICS.notificationErrors.name, labels), values: counter([30, errors[i]]) },
      ];
    }),
    { series: series(SERVER_METRICS.alertmanagersDiscovered.name, PROMETHEUS), values: discovered },
  ];
  const reloadFailed = (alert: string, server: string, metric: string, labels: Labels): AlertCase[] => {
    const reload = (values: string): InputSeries[] => [{ series: series(metric, labels), values }];
    return [
      fires(alert, `${server} refusing its configuration for 10 minutes fires`, reload(gauge([10, 1], [20, 0])), "20m", "warning", labels, `${server} refused its new configuration`,
        `${server} ${labels.instance} has failed to reload its configuration for ${holdFor}: it keeps running the previous one, so the change deployed last is not live, and a restart would fail to start.`),
      { name: `a reload of ${server} that failed and succeeded 3 minutes later stays quiet`, kind: "quiet", alert, minutes: 30, input: reload(gauge([10, 1], [3, 0], [17, 1])), evalAt: "20m", expected: [] },
      { name: `a reload of ${server} that failed 3 minutes ago is still pending`, kind: "pending", alert, minutes: 30, input: reload(gauge([10, 1], [20, 0])), evalAt: "13m", expected: [] },
    ];
  };

  return [
    // --- AlertmanagerNotificationsFailing: > 10 % of one integration's notifications failed over 15m, for 5m.
    fires("AlertmanagerNotificationsFailing", "every email failing for 25 minutes fires, for email only (Slack delivers)", [...notifications("email", counter([30, 2]), counter([30, 2])), ...notifications("slack", counter([30, 1]), counter([30, 0]))], "25m", "critical", { integration: "email" }, "Alertmanager notifications are failing",
      `100% of Alertmanager's email notifications failed over the last ${window}, above ${failing} for ${holdFor}. Alerts routed only to that channel reach nobody. A failing email is told through ${EMAIL_FAILING_CHANNELS} when configured, and silences the Watchdog so the heartbeat service pages; any other failing channel is told by email.`),
    // 1 failed of 150 emails in the window: 0.7 %, in the window for 9 minutes, longer than `for`.
    { name: "one failed email among 150 stays quiet", kind: "quiet", alert: "AlertmanagerNotificationsFailing", minutes: 30, input: notifications("email", counter([30, 10]), counter([20, 0], [1, 1], [9, 0])), evalAt: "30m", expected: [] },
    // Failing from minute 21: 4 of 30 in the window (13 %) from minute 22, 2 minutes before the evaluation.
    { name: "emails failing for 3 minutes are still pending", kind: "pending", alert: "AlertmanagerNotificationsFailing", minutes: 30, input: notifications("email", counter([30, 2]), counter([20, 0], [10, 2])), evalAt: "24m", expected: [] },

    // --- PrometheusRuleEvaluationFailures: any failure of a billing group of this environment in 15m, for 5m.
    fires("PrometheusRuleEvaluationFailures", "a billing rule failing every evaluation for 20 minutes fires, naming its group", [ruleFailures(`billing-payments-${f.stack}`, counter([30, 1]))], "20m", "critical", { rule_group: `/etc/prometheus/rules/billing-alerts.yml;billing-payments-${f.stack}` }, "Billing rules fail to evaluate",
      `Prometheus failed to evaluate rules of /etc/prometheus/rules/billing-alerts.yml;billing-payments-${f.stack} about 15 times over the last ${window}, for ${holdFor}. The alerts of that group are blind while it fails.`),
    {
      name: "another team's group and another environment's billing group failing stay quiet",
      kind: "quiet", alert: "PrometheusRuleEvaluationFailures",
      minutes: 30,
      input: [ruleFailures("platform-postgres", counter([30, 1])), ruleFailures("billing-payments-qa", counter([30, 1]))],
      evalAt: "20m",
      expected: [],
    },
    { name: "a billing rule failing for 3 minutes is still pending", kind: "pending", alert: "PrometheusRuleEvaluationFailures", minutes: 30, input: [ruleFailures(`billing-meta-${f.stack}`, counter([20, 0], [10, 1]))], evalAt: "23m", expected: [] },

    // --- PrometheusNotificationsDropped: any alert dropped in 15m, for 5m.
    fires("PrometheusNotificationsDropped", "2 alerts dropped a minute for 20 minutes fire", dropped(counter([30, 2])), "20m", "warning", PROMETHEUS, "Prometheus drops alerts meant for Alertmanager",
      `Prometheus localhost:9090 dropped about 30 alerts for every Alertmanager over the last ${window}, for ${holdFor}, because they failed to take them or the queue was full. Firing alerts are re-sent each resend delay; persistent drops lose notifications.`),
    { name: "drops for one Alertmanager of two (Prometheus 3's queue per Alertmanager) stay quiet", kind: "quiet", alert: "PrometheusNotificationsDropped", minutes: 30, input: droppedPerAlertmanager([counter([30, 2]), counter([30, 0])]), evalAt: "20m", expected: [] },
    { name: "drops that ended 25 minutes ago stay quiet", kind: "quiet", alert: "PrometheusNotificationsDropped", minutes: 35, input: dropped(counter([5, 2], [30, 0])), evalAt: "30m", expected: [] },
    { name: "drops for 3 minutes are still pending", kind: "pending", alert: "PrometheusNotificationsDropped", minutes: 30, input: dropped(counter([20, 0], [10, 2])), evalAt: "23m", expected: [] },

    // --- PrometheusNotificationQueueFull: length / capacity > 90 % for 5m.
    fires("PrometheusNotificationQueueFull", "a queue 95 % full for 10 minutes fires", queue(gauge([30, 9500])), "10m", "warning", PROMETHEUS, "Prometheus' alert queue is nearly full",
      `Prometheus localhost:9090's queue of alerts for Alertmanager is 95% full, above ${full} for ${holdFor}. A full queue drops the oldest alerts.`),
    { name: "one Alertmanager's queue of two 95 % full (Prometheus 3) stays quiet", kind: "quiet", alert: "PrometheusNotificationQueueFull", minutes: 30, input: queues([gauge([30, 9500]), gauge([30, 100])]), evalAt: "20m", expected: [] },
    { name: "a queue 80 % full stays quiet", kind: "quiet", alert: "PrometheusNotificationQueueFull", minutes: 30, input: queue(gauge([30, 8000])), evalAt: "20m", expected: [] },
    { name: "a queue 95 % full for 3 minutes is still pending", kind: "pending", alert: "PrometheusNotificationQueueFull", minutes: 30, input: queue(gauge([20, 8000], [10, 9500])), evalAt: "23m", expected: [] },

    // --- PrometheusConfigReloadFailed, AlertmanagerConfigReloadFailed: the last reload failed, for 5m.
    ...reloadFailed("PrometheusConfigReloadFailed", "Prometheus", SERVER_METRICS.prometheusConfigReloadSuccessful.name, PROMETHEUS),
    ...reloadFailed("AlertmanagerConfigReloadFailed", "Alertmanager", SERVER_METRICS.alertmanagerConfigReloadSuccessful.name, ALERTMANAGER),

    // --- PrometheusAlertmanagerUnreachable: > 10 % of alerts failing to every Alertmanager, or none discovered, for 5m.
    fires("PrometheusAlertmanagerUnreachable", "every alert failing to both Alertmanagers for 20 minutes fires", sent([10, 10], gauge([30, 2])), "20m", "critical", PROMETHEUS, "Prometheus cannot reach any Alertmanager",
      `Prometheus localhost:9090 has discovered no Alertmanager, or failed to send more than ${failing} of its alerts to each one over the last ${window}, for ${holdFor}. No billing alert reaches anyone, and this one only arrives if some Alertmanager still takes it: the heartbeat service is what tells.`),
    fires("PrometheusAlertmanagerUnreachable", "no Alertmanager discovered for 10 minutes fires", [{ series: series(SERVER_METRICS.alertmanagersDiscovered.name, PROMETHEUS), values: gauge([30, 0]) }], "10m", "critical", PROMETHEUS, "Prometheus cannot reach any Alertmanager",
      `Prometheus localhost:9090 has discovered no Alertmanager, or failed to send more than ${failing} of its alerts to each one over the last ${window}, for ${holdFor}. No billing alert reaches anyone, and this one only arrives if some Alertmanager still takes it: the heartbeat service is what tells.`),
    { name: "one Alertmanager of two failing stays quiet (the other delivers)", kind: "quiet", alert: "PrometheusAlertmanagerUnreachable", minutes: 30, input: sent([10, 0], gauge([30, 2])), evalAt: "20m", expected: [] },
    { name: "no Alertmanager discovered for 3 minutes is still pending", kind: "pending", alert: "PrometheusAlertmanagerUnreachable", minutes: 30, input: sent([0, 0], gauge([20, 2], [10, 0])), evalAt: "23m", expected: [] },
  ];
}
