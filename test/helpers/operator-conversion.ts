/**
 * What prometheus-operator makes of AlertmanagerConfig objects, for tests that cannot run the operator: the
 * Alertmanager configuration it generates from a base configuration and the selected objects, following its
 * ConfigBuilder (pkg/alertmanager/amcfg.go, `AddAlertmanagerConfigs` and the convert… functions) under the default
 * matcher strategy `OnNamespace` on an Alertmanager ≥ 0.22:
 *   - objects in the order of their `<namespace>/<name>`; each one's top route becomes a child of the base root
 *     route, before the base's own children, with `namespace="<its namespace>"` appended to its matchers and
 *     `continue: true`;
 *   - every receiver and time interval renamed `<namespace>/<name>/<its name>`, and every route's references too;
 *   - `namespace="<its namespace>"` appended to the source and the target matchers of each inhibition rule;
 *   - each SecretKeySelector replaced by the value of that key of that Secret in the object's namespace;
 *   - the object's time intervals appended to `mute_time_intervals`.
 * Where it differs: only the fields this project emits are converted, and any other field is an error (so nothing
 * is dropped unseen); the operator's own validation (e.g. that a referenced Secret exists) is this helper's
 * errors; the result is returned as an object, not written to the operator's Secret.
 */
import { INTEGRATIONS } from "../../alerts/integrations";
import type { AlertmanagerConfig, InhibitRule, Receiver, Route } from "../../alerts/routing";

export interface SelectedObject {
  readonly namespace: string;
  readonly name: string;
  readonly spec: Record<string, unknown>;
  /** The Secrets of the object's namespace: name → key → value. */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

type Fields = Record<string, unknown>;

/**
 * What the operator converts each integration's CRD configs to (its convert… function for that kind): the
 * Alertmanager key, each CRD field's Alertmanager name, and the credential's selector as the value inline (the
 * operator writes `api_url`, not `api_url_file`). Read from the entries' field names (alerts/integrations.ts) turned
 * around; the CRD schema (kubernetes-schema.ts) and amtool check each side's names.
 */
const OPERATOR_FORMS = INTEGRATIONS.flatMap(({ alertmanager, operator }) => {
  if ("refused" in operator) return [];
  const file = `${alertmanager.credentialField}_file`;
  return [
    {
      key: operator.key,
      configs: alertmanager.key,
      fields: Object.fromEntries(Object.entries(operator.fields).map(([field, crdField]) => [crdField, field])),
      credential: { from: operator.fields[file], to: alertmanager.credentialField },
    },
  ];
});

/** The base configuration the operator starts from, as a loose object (it may hold `null` receivers and the like). */
export type BaseConfig = Omit<AlertmanagerConfig, "global" | "time_intervals"> & Fields;

function only(value: Fields, allowed: readonly string[], where: string): Fields {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new Error(`${where}: field(s) this conversion does not know: ${unknown.join(", ")}`);
  return value;
}

/** monitoringv1alpha1.Matcher.String(): name, match type, and the value quoted as Go's %q quotes it. */
function matcherString(matcher: Fields, where: string): string {
  const { name, value, matchType } = only(matcher, ["name", "value", "matchType"], where) as { name: string; value: string; matchType: string };
  if (!matchType) throw new Error(`${where}: a matcher without matchType (the deprecated regex form) is not converted here`);
  return `${name}${matchType}${JSON.stringify(value)}`;
}

export function operatorConfig(base: BaseConfig, objects: readonly SelectedObject[]): BaseConfig {
  const config = structuredClone(base) as BaseConfig & { mute_time_intervals?: unknown[] };
  const subRoutes: Route[] = [];
  const sorted = [...objects].sort((a, b) => (`${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1));
  for (const object of sorted) {
    const key = `${object.namespace}/${object.name}`;
    const prefixed = (name: string): string => `${key}/${name}`;
    const namespaceMatcher = `namespace=${JSON.stringify(object.namespace)}`;
    const secret = (selector: unknown, where: string): string => {
      const { name, key: field } = only(selector as Fields, ["name", "key"], where) as { name: string; key: string };
      const value = object.secrets[name]?.[field];
      if (value === undefined) throw new Error(`${key}: ${where}: key ${field} of Secret ${object.namespace}/${name} not found`);
      return value;
    };
    const spec = only(object.spec, ["route", "receivers", "inhibitRules", "muteTimeIntervals"], key);

    for (const [i, rule] of ((spec.inhibitRules ?? []) as Fields[]).entries()) {
      const where = `${key}: inhibitRules[${i}]`;
      const { sourceMatch = [], targetMatch = [], equal } = only(rule, ["sourceMatch", "targetMatch", "equal"], where) as { sourceMatch?: Fields[]; targetMatch?: Fields[]; equal?: string[] };
      const source = sourceMatch.map((m) => matcherString(m, where));
      const target = targetMatch.map((m) => matcherString(m, where));
      if (!source.includes(namespaceMatcher)) source.push(namespaceMatcher);
      if (!target.includes(namespaceMatcher)) target.push(namespaceMatcher);
      config.inhibit_rules.push({ source_matchers: source, target_matchers: target, equal: equal ?? [] } satisfies InhibitRule);
    }

    if (!spec.route) continue;
    const convertRoute = (route: Fields, where: string): Route => {
      const r = only(route, ["receiver", "matchers", "groupBy", "groupWait", "groupInterval", "repeatInterval", "activeTimeIntervals", "muteTimeIntervals", "continue", "routes"], where) as {
        receiver: string;
        matchers?: Fields[];
        groupBy?: string[];
        groupWait?: string;
        groupInterval?: string;
        repeatInterval?: string;
        activeTimeIntervals?: string[];
        muteTimeIntervals?: string[];
        continue?: boolean;
        routes?: Fields[];
      };
      return {
        receiver: prefixed(r.receiver),
        ...(r.matchers ? { matchers: r.matchers.map((m) => matcherString(m, where)) } : {}),
        ...(r.groupBy ? { group_by: r.groupBy } : {}),
        ...(r.groupWait ? { group_wait: r.groupWait } : {}),
        ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
        ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
        ...(r.activeTimeIntervals ? { active_time_intervals: r.activeTimeIntervals.map(prefixed) } : {}),
        ...(r.muteTimeIntervals ? { mute_time_intervals: r.muteTimeIntervals.map(prefixed) } : {}),
        ...(r.continue ? { continue: r.continue } : {}),
        ...(r.routes ? { routes: r.routes.map((child, i) => convertRoute(child, `${where}.routes[${i}]`)) } : {}),
      } as Route;
    };
    const top = convertRoute(spec.route as Fields, `${key}: route`);
    subRoutes.push({ ...top, matchers: [...(top.matchers ?? []), namespaceMatcher], continue: true });

    for (const [i, receiver] of ((spec.receivers ?? []) as Fields[]).entries()) {
      const where = `${key}: receivers[${i}]`;
      const r = only(receiver, ["name", "emailConfigs", "webhookConfigs", ...OPERATOR_FORMS.map((form) => form.key)], where) as { name: string; emailConfigs?: Fields[]; webhookConfigs?: Fields[] } & Record<string, Fields[] | undefined>;
      const emails = r.emailConfigs?.map((email, j) => {
        const w = `${where}.emailConfigs[${j}]`;
        const e = only(email, ["to", "from", "smarthost", "authUsername", "authPassword", "requireTLS", "sendResolved", "headers", "html", "text"], w) as Record<string, unknown> & { headers?: { key: string; value: string }[] };
        return {
          to: e.to,
          from: e.from,
          smarthost: e.smarthost,
          auth_username: e.authUsername,
          ...(e.authPassword ? { auth_password: secret(e.authPassword, `${w}.authPassword`) } : {}),
          require_tls: e.requireTLS,
          send_resolved: e.sendResolved,
          headers: Object.fromEntries((e.headers ?? []).map(({ key: name, value }) => [name, value])),
          html: e.html,
          text: e.text,
        };
      });
      // Each integration's configs: its CRD field names back to Alertmanager's, its credential's selector to the value.
      const integrations = OPERATOR_FORMS.filter((form) => r[form.key]).map((form) => [
        form.configs,
        r[form.key]!.map((c, j) => {
          const w = `${where}.${form.key}[${j}]`;
          only(c, Object.keys(form.fields), w);
          return Object.fromEntries(Object.entries(c).map(([field, value]) => (field === form.credential.from ? [form.credential.to, secret(value, `${w}.${field}`)] : [form.fields[field], value])));
        }),
      ]);
      const webhooks = r.webhookConfigs?.map((h, j) => {
        const w = `${where}.webhookConfigs[${j}]`;
        const c = only(h, ["urlSecret", "sendResolved"], w);
        return { url: secret(c.urlSecret, `${w}.urlSecret`), send_resolved: c.sendResolved };
      });
      config.receivers.push({
        name: prefixed(r.name),
        ...(emails ? { email_configs: emails } : {}),
        ...Object.fromEntries(integrations),
        ...(webhooks ? { webhook_configs: webhooks } : {}),
      } as unknown as Receiver);
    }

    for (const [i, interval] of ((spec.muteTimeIntervals ?? []) as Fields[]).entries()) {
      const where = `${key}: muteTimeIntervals[${i}]`;
      const { name, timeIntervals } = only(interval, ["name", "timeIntervals"], where) as { name: string; timeIntervals: Fields[] };
      (config.mute_time_intervals ??= []).push({
        name: prefixed(name),
        time_intervals: timeIntervals.map((t, j) => {
          const { times, weekdays } = only(t, ["times", "weekdays"], `${where}.timeIntervals[${j}]`) as { times?: { startTime: string; endTime: string }[]; weekdays?: string[] };
          return { ...(times ? { times: times.map(({ startTime, endTime }) => ({ start_time: startTime, end_time: endTime })) } : {}), ...(weekdays ? { weekdays } : {}) };
        }),
      });
    }
  }
  // "For alerts to be processed by the AlertmanagerConfig routes, they need to appear before the routes defined in
  // the main configuration" (amcfg.go).
  config.route = { ...config.route, routes: [...subRoutes, ...(config.route.routes ?? [])] };
  return config;
}

/** kube-prometheus-stack's default Alertmanager configuration (its values.yaml, `alertmanager.config`). */
export function kubePrometheusStackBase(templatesGlob: string): BaseConfig {
  return {
    global: { resolve_timeout: "5m" },
    inhibit_rules: [
      { source_matchers: ["severity = critical"], target_matchers: ["severity =~ warning|info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["severity = warning"], target_matchers: ["severity = info"], equal: ["namespace", "alertname"] },
      { source_matchers: ["alertname = InfoInhibitor"], target_matchers: ["severity = info"], equal: ["namespace"] },
      { target_matchers: ["alertname = InfoInhibitor"] } as unknown as InhibitRule,
    ],
    route: { group_by: ["namespace"], group_wait: "30s", group_interval: "5m", repeat_interval: "12h", receiver: "null", routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }] },
    receivers: [{ name: "null" }],
    templates: [templatesGlob],
  };
}
