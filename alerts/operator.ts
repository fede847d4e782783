/**
 * Operator mode's routing: this stack's environment as a prometheus-operator `AlertmanagerConfig` (v1alpha1), made
 * from the same receivers, routes, inhibition and business hours as the one configuration (routing.ts), in the
 * CRD's own shape. Pure: every credential is a `SecretKeySelector` into the credentials Secret beside it.
 *
 * The operator (matcher strategy `OnNamespace`, its default) adds `namespace="<this object's namespace>"` to the
 * top route and to both sides of every inhibition rule, sets `continue: true` on the top route, and renames each
 * receiver and time interval `<namespace>/<name>/<receiver>`. So the object lives in the app namespace, whose name
 * every billing alert carries as its `namespace` label (alerts/common.ts), and its top route also matches the
 * environment, so it routes this environment's alerts and nothing else's.
 */
import type { BillingConfig } from "../config";
import { PROJECT } from "../config/schema";
import { integrationOf } from "./integrations";
import {
  BUSINESS_HOURS,
  businessHours,
  groupTiming,
  heartbeatRoute,
  inhibitRules,
  matcher,
  nonPagingRoute,
  pages,
  RECEIVERS,
  receivers,
  SECRET_FILES,
  severityRoutes,
  type EmailConfig,
  type InhibitRule,
  type Receiver,
  type Route,
} from "./routing";

/** The credentials Secret's file holding the heartbeat URL: the operator reads a webhook URL from a Secret. */
export const HEARTBEAT_FILE = SECRET_FILES.heartbeatUrl;

// --- The subset of the AlertmanagerConfig v1alpha1 schema we emit (names as the CRD spells them). ------------------

export interface SecretKeySelector {
  name: string;
  key: string;
}

export interface CrdMatcher {
  name: string;
  value: string;
  matchType: "=" | "!=" | "=~" | "!~";
}

export interface CrdRoute {
  receiver: string;
  matchers?: CrdMatcher[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  activeTimeIntervals?: string[];
  continue?: boolean;
  routes?: CrdRoute[];
}

export interface CrdReceiver {
  name: string;
  emailConfigs?: {
    to: string;
    from: string;
    smarthost: string;
    authUsername: string;
    authPassword: SecretKeySelector;
    requireTLS: boolean;
    sendResolved: boolean;
    headers: { key: string; value: string }[];
    html?: string;
    text?: string;
  }[];
  webhookConfigs?: { urlSecret: SecretKeySelector; sendResolved: boolean }[];
  /** An integration's configs, under the key its entry names (alerts/integrations.ts). */
  [configs: `${string}Configs`]: readonly object[] | undefined;
}

export interface AlertmanagerConfigSpec {
  route: CrdRoute;
  receivers: CrdReceiver[];
  inhibitRules: { sourceMatch: CrdMatcher[]; targetMatch: CrdMatcher[]; equal: string[] }[];
  muteTimeIntervals?: { name: string; timeIntervals: { times: { startTime: string; endTime: string }[]; weekdays: string[] }[] }[];
}

/** A matcher string as routing.ts writes it (`label<op>"value"`), as the CRD's object. */
function crdMatcher(text: string): CrdMatcher {
  const found = /^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)(".*")$/.exec(text);
  if (!found) throw new Error(`not a matcher routing.ts writes: ${text}`);
  return { name: found[1], matchType: found[2] as CrdMatcher["matchType"], value: JSON.parse(found[3]) as string };
}

function crdRoute(route: Route): CrdRoute {
  return {
    receiver: route.receiver,
    ...(route.matchers ? { matchers: route.matchers.map(crdMatcher) } : {}),
    ...(route.group_by ? { groupBy: route.group_by } : {}),
    ...(route.group_wait ? { groupWait: route.group_wait } : {}),
    ...(route.group_interval ? { groupInterval: route.group_interval } : {}),
    ...(route.repeat_interval ? { repeatInterval: route.repeat_interval } : {}),
    ...(route.active_time_intervals ? { activeTimeIntervals: route.active_time_intervals } : {}),
    ...(route.continue !== undefined ? { continue: route.continue } : {}),
    ...(route.routes ? { routes: route.routes.map(crdRoute) } : {}),
  };
}

/**
 * A receiver of routing.ts in the CRD's shape. Credentials there are files of the Secret (`<mark>/<file>`); here
 * each is a selector of that file in the Secret `secretName`. SMTP settings move from the global block into each
 * email config, since an AlertmanagerConfig has no global block.
 */
export function crdReceiver(cfg: BillingConfig, receiver: Receiver, secretName: string): CrdReceiver {
  const selector = (file: string): SecretKeySelector => ({ name: secretName, key: file.slice(file.lastIndexOf("/") + 1) });
  const email = (config: EmailConfig) => ({
    to: config.to,
    from: cfg.emailFrom,
    smarthost: cfg.smtpSmarthost,
    authUsername: cfg.smtpUsername!,
    authPassword: { name: secretName, key: SECRET_FILES.smtpPassword },
    // Postmark's port 587 offers STARTTLS; never send credentials in clear.
    requireTLS: config.require_tls,
    sendResolved: config.send_resolved,
    headers: Object.entries(config.headers).map(([key, value]) => ({ key, value })),
    html: config.html,
    text: config.text,
  });
  const { name, email_configs, webhook_configs, ...integrations } = receiver;
  if (webhook_configs) throw new Error("webhook receivers are made with their Secret reference (HEARTBEAT_FILE)");
  return {
    name,
    ...(email_configs ? { emailConfigs: email_configs.map(email) } : {}),
    // A kind the CRD cannot say is refused, never left out: the receiver would silently lose a channel.
    ...Object.fromEntries(
      Object.entries(integrations).map(([key, configs]) => {
        const integration = integrationOf(key);
        if (!integration) throw new Error(`receiver ${name} has ${key}, which no entry of INTEGRATIONS (alerts/integrations.ts) converts to an AlertmanagerConfig`);
        if ("refused" in integration.operator) throw new Error(`${PROJECT}:${integration.secret} is not allowed with prometheusOperator: ${integration.operator.refused}`);
        const { key: crdKey, fields } = integration.operator;
        const fileField = `${integration.alertmanager.credentialField}_file`;
        const crdConfig = (config: object) =>
          Object.fromEntries(
            Object.entries(config).map(([field, value]) => {
              const crdField = fields[field];
              if (crdField === undefined) throw new Error(`${integration.name}'s ${key} field ${field} has no AlertmanagerConfig name in its entry's operator.fields (alerts/integrations.ts)`);
              return [crdField, field === fileField ? selector(value as string) : value];
            }),
          );
        return [crdKey, (configs ?? []).map(crdConfig)];
      }),
    ),
  };
}

function crdInhibitRule(rule: InhibitRule): AlertmanagerConfigSpec["inhibitRules"][number] {
  return { sourceMatch: rule.source_matchers.map(crdMatcher), targetMatch: rule.target_matchers.map(crdMatcher), equal: rule.equal };
}

/** Receiver names a route tree sends to. */
function routeReceivers(route: CrdRoute): Set<string> {
  return new Set([route.receiver, ...(route.routes ?? []).flatMap((child) => [...routeReceivers(child)])]);
}

/**
 * This stack's AlertmanagerConfig: its environment's alerts, by severity when the environment pages
 * (pagingEnvironments), else all to the non-paging receiver. Only the receivers its routes use are declared.
 */
export function alertmanagerConfigSpec(cfg: BillingConfig, secretName: string): AlertmanagerConfigSpec {
  if (cfg.smtpLogin !== "smtp-token") throw new Error("an AlertmanagerConfig needs smtpLogin smtp-token (its username is plain text)");
  const environment = [matcher("environment", "=", cfg.environment)];
  const paging = pages(cfg);
  const route: CrdRoute = crdRoute(
    paging
      ? { receiver: RECEIVERS.default, matchers: environment, ...groupTiming(cfg), routes: [heartbeatRoute(cfg, []), ...severityRoutes(cfg)] }
      : { ...groupTiming(cfg), ...nonPagingRoute(cfg, environment) },
  );
  const used = routeReceivers(route);
  const MARK = "/secret";
  const declared = receivers(cfg, (file) => `${MARK}/${file}`)
    .filter((receiver) => used.has(receiver.name))
    .map((receiver) => crdReceiver(cfg, receiver, secretName))
    .map((receiver) =>
      receiver.name === RECEIVERS.heartbeat && cfg.secretsSet.includes("heartbeatUrl") ? { ...receiver, webhookConfigs: [{ urlSecret: { name: secretName, key: HEARTBEAT_FILE }, sendResolved: false }] } : receiver,
    );
  const hours = businessHours(cfg);
  return {
    route,
    receivers: declared,
    inhibitRules: inhibitRules(cfg).map(crdInhibitRule),
    ...(paging ? { muteTimeIntervals: [{ name: BUSINESS_HOURS, timeIntervals: hours.time_intervals.map(({ times, weekdays }) => ({ times: times.map(({ start_time, end_time }) => ({ startTime: start_time, endTime: end_time })), weekdays })) }] } : {}),
  };
}

/** The Secret's files the spec's selectors name, sorted: what the credentials Secret must hold, and no more. */
export function selectedFiles(spec: AlertmanagerConfigSpec): string[] {
  const files = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") {
      const selector = value as Partial<SecretKeySelector>;
      if (typeof selector.name === "string" && typeof selector.key === "string" && Object.keys(value).length === 2) files.add(selector.key);
      else Object.values(value).forEach(visit);
    }
  };
  visit(spec);
  return [...files].sort();
}
