/**
 * promtool cases made from what an alert declares it watches (its `watch`, alerts/types.ts), around the stack's own
 * thresholds: the alert fires on input just past its threshold held longer than its `for`, stays quiet just short of
 * it, is pending while the condition is younger than its `for`, and, for a ratio behind the low-traffic guard, stays
 * quiet on a high ratio of too few events. A new alert gets its cases from its declaration, with no test edited.
 *
 * Input series are per-minute counts, so every number can be traced by hand: 11 failed and 89 succeeded payments a
 * minute is an 11 % failure ratio over any window.
 */
import type { BillingConfig } from "../../config";
import type { AlertRule, Watch, WatchedSeries } from "../../alerts/types";
import type { MetricDefinition } from "../../promql/metrics";
import { type AlertCase, counter, humanize, humanizeDuration, humanizePercentage, type InputSeries, type Labels, minutes, series } from "./promtool-cases";

/** A value for each label the app sets, as a customer's series would carry it. */
const LABEL_VALUES: Readonly<Record<string, string>> = {
  plan: "pro",
  payment_method: "card",
  status: "succeeded",
  failure_code: "card_declined",
  customer_id: "cus_1",
  event_type: "invoice.paid",
  reason: "too_expensive",
  source: "admin",
  stage: "pro",
};
/** Another value than a matcher's, for the events that are not failures. */
const OTHER_VALUE: Readonly<Record<string, string>> = { status: "succeeded", failure_code: "none" };

/** Events per minute in the cases that must pass the low-traffic guard: far above any sensible minimum. */
const PER_MINUTE = 100;

function labelsOf(metric: MetricDefinition, namespace: string, matchers: Readonly<Record<string, string>>): Labels {
  const labels: Labels = { namespace };
  for (const label of metric.labels) {
    if (LABEL_VALUES[label] === undefined) throw new Error(`${metric.name}: no test value for its label ${label}; add one to LABEL_VALUES (test/helpers/alert-cases.ts)`);
    labels[label] = LABEL_VALUES[label];
  }
  return { ...labels, ...matchers };
}

/** The same series with each matched label set to another value: the events that are not failures. */
function othersOf(watched: WatchedSeries, namespace: string): Labels {
  const others = Object.fromEntries(Object.keys(watched.matchers).map((label) => [label, OTHER_VALUE[label] ?? `not-${watched.matchers[label]}`]));
  return { ...labelsOf(watched.metric, namespace, {}), ...others };
}

/** A histogram's `_bucket` series with every observation, `perMinute` a minute, in the bucket ending at `le`. */
function histogram(metric: MetricDefinition, labels: Labels, bounds: readonly number[], le: number, total: number, perMinute: number): InputSeries[] {
  return [...bounds.map(String), "+Inf"].map((bound) => ({
    series: series(`${metric.name}_bucket`, { ...labels, le: bound }),
    values: counter([total, bound === "+Inf" || Number(bound) >= le ? perMinute : 0]),
  }));
}

/**
 * The alert's description as Prometheus renders it for `value`: the label and value templates the alerts use,
 * filled in the way Prometheus' template functions are documented to print (test/helpers/promtool-cases.ts). A
 * template this does not know fails the case, naming it.
 */
export function renderedDescription(rule: AlertRule, namespace: string, value: number): string {
  const functions: Readonly<Record<string, (value: number) => string>> = { "": (v) => String(v), humanizePercentage, humanize, humanizeDuration };
  return rule.annotations.description.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, inner: string) => {
    if (inner === "$labels.namespace") return namespace;
    const call = /^\$value(?:\s*\|\s*(\w+))?$/.exec(inner);
    const format = call ? functions[call[1] ?? ""] : undefined;
    if (!format) throw new Error(`${rule.alert}: its description's template ${whole} is not one the rule tests render; add it to renderedDescription`);
    return format(value);
  });
}

/** What a case expects when the alert fires at `value`: its own labels, and its annotations with the value filled in. */
export type Expect = (value: number) => { exp_labels: Labels; exp_annotations: Labels };

/** The cases of one alert from its `watch`, or none when it declares none (the SLO and pipeline alerts have their own). */
export function casesFromWatch(rule: AlertRule, cfg: BillingConfig, expect: Expect): AlertCase[] {
  const watch: Watch | undefined = rule.watch;
  if (!watch) return [];
  const namespace = cfg.appNamespace;
  const holdFor = Math.ceil(rule.for.seconds / 60);
  // The condition holds from minute `start`: fired long after start + for, pending halfway through its for.
  const fireAt = (start: number) => start + holdFor + Math.max(5, Math.ceil(holdFor / 3));
  const pendingAt = (start: number) => start + Math.max(1, Math.floor(holdFor / 2));
  const one = (c: Omit<AlertCase, "alert">): AlertCase => ({ ...c, alert: rule.alert });

  switch (watch.kind) {
    case "always":
      return [one({ name: "fires with no input at all", kind: "fires", minutes: 5, input: [], evalAt: "1m", expected: [expect(1)] })];
    case "absence": {
      // Present for 20 minutes, then marked stale: absent from minute 21.
      const input = [{ series: series(watch.metric.name, labelsOf(watch.metric, namespace, {})), values: `${counter([20, 0])} stale` }];
      return [
        one({ name: `${watch.metric.name} gone for longer than its for fires`, kind: "fires", minutes: 20, input, evalAt: minutes(fireAt(21)), expected: [expect(1)] }),
        one({ name: `${watch.metric.name} present stays quiet`, kind: "quiet", minutes: 40, input: [{ ...input[0], values: counter([40, 0]) }], evalAt: "35m", expected: [] }),
        one({ name: `${watch.metric.name} gone for less than its for is still pending`, kind: "pending", minutes: 20, input, evalAt: minutes(pendingAt(21)), expected: [] }),
      ];
    }
    case "silence": {
      // One event a minute for the first hour, then none: silent from the minute the window holds no event.
      const window = watch.window.seconds / 60;
      const start = 60 + window;
      const total = fireAt(start) + 10;
      const input = [{ series: series(watch.metric.name, labelsOf(watch.metric, namespace, {})), values: counter([60, 1], [total - 60, 0]) }];
      return [
        one({ name: `no event for longer than its window and its for fires`, kind: "fires", minutes: total, input, evalAt: minutes(fireAt(start)), expected: [expect(0)] }),
        one({ name: `an event 20 minutes inside the window keeps it quiet`, kind: "quiet", minutes: total, input, evalAt: minutes(start - 20), expected: [] }),
        one({ name: `silent for less than its for is still pending`, kind: "pending", minutes: total, input, evalAt: minutes(pendingAt(start)), expected: [] }),
        // No series at all: a sum over nothing is no value, and the alert must still read it as none.
        one({ name: `no ${watch.metric.name} series at all fires after its for`, kind: "fires", minutes: fireAt(1) + 10, input: [], evalAt: minutes(fireAt(1)), expected: [expect(0)] }),
      ];
    }
    case "quantile": {
      // Bucket bounds around the threshold: every observation just above it (in (t, 2t]), or just under (in (0.8t, t]).
      const t = watch.threshold;
      const bounds = [0.1, 0.5, 0.8, 1, 2, 5].map((factor) => factor * t);
      const labels = labelsOf(watch.metric, namespace, {});
      const total = fireAt(2) + 10;
      const above = t + t * watch.quantile;
      return [
        one({ name: `observations of ${t} to ${2 * t} for longer than its for fire`, kind: "fires", minutes: total, input: histogram(watch.metric, labels, bounds, 2 * t, total, 10), evalAt: minutes(fireAt(2)), expected: [expect(above)] }),
        one({ name: `observations of ${0.8 * t} to ${t} stay quiet`, kind: "quiet", minutes: total, input: histogram(watch.metric, labels, bounds, t, total, 10), evalAt: minutes(fireAt(2)), expected: [] }),
        one({ name: `observations above ${t} for less than its for are still pending`, kind: "pending", minutes: total, input: histogram(watch.metric, labels, bounds, 2 * t, total, 10), evalAt: minutes(pendingAt(2)), expected: [] }),
      ];
    }
    case "ratio": {
      const apart = watch.failures.metric !== watch.events.metric;
      const failed = labelsOf(watch.failures.metric, namespace, watch.failures.matchers);
      const other = apart ? labelsOf(watch.events.metric, namespace, watch.events.matchers) : othersOf(watch.failures, namespace);
      /** Failures and events a minute: the events include the failures when both are one metric's series. */
      const traffic = (total: number, failuresPerMinute: number, eventsPerMinute: number): InputSeries[] => [
        { series: series(watch.failures.metric.name, failed), values: counter([total, failuresPerMinute]) },
        { series: series(watch.events.metric.name, other), values: counter([total, apart ? eventsPerMinute : eventsPerMinute - failuresPerMinute]) },
      ];
      // Whole percents just past and just short of the threshold.
      const above = Math.min(100, Math.floor(watch.threshold * 100 + 1e-9) + 1);
      const under = Math.max(0, Math.ceil(watch.threshold * 100 - 1e-9) - 1);
      const start = Math.ceil(cfg.minEventsPerWindow / PER_MINUTE) + 1;
      const total = fireAt(start) + 10;
      const percentOf = (percent: number) => (percent * PER_MINUTE) / 100;
      // Too few events for the guard, and too few failures, failing well past the threshold.
      const events = Math.max(1, cfg.minEventsPerWindow - 1);
      const failures = Math.min(cfg.minFailuresPerWindow - 1, events);
      const perWindow = (count: number) => count / (watch.window.seconds / 60);
      return [
        one({ name: `${above} % failing for longer than its for fires`, kind: "fires", minutes: total, input: traffic(total, percentOf(above), PER_MINUTE), evalAt: minutes(fireAt(start)), expected: [expect(above / 100)] }),
        one({ name: `${under} % failing stays quiet`, kind: "quiet", minutes: total, input: traffic(total, percentOf(under), PER_MINUTE), evalAt: minutes(fireAt(start)), expected: [] }),
        one({ name: `${above} % failing for less than its for is still pending`, kind: "pending", minutes: total, input: traffic(total, percentOf(above), PER_MINUTE), evalAt: minutes(pendingAt(start)), expected: [] }),
        ...(failures / events > watch.threshold
          ? [one({ name: `${failures} failures in ${events} events per window is low traffic: quiet`, kind: "low-traffic", minutes: total, input: traffic(total, perWindow(failures), perWindow(events)), evalAt: minutes(fireAt(start)), expected: [] })]
          : []),
      ];
    }
  }
}

