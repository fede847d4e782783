/**
 * What happened to each alert, as a person wants to read it: pending, firing, inhibited (and by which alert), resolved
 * after firing, or cleared without ever firing. Polls Prometheus' /api/v1/alerts (pending and firing) and
 * Alertmanager's /api/v2/alerts (whether a firing alert is inhibited, and by which alerts' fingerprints).
 */

export type AlertEventKind = "pending" | "firing" | "inhibited" | "resolved" | "cleared";

export interface AlertEvent {
  /** The alert instance (its labels): events with the same id are one alert's story. */
  readonly id: string;
  readonly at: number;
  readonly kind: AlertEventKind;
  readonly alert: string;
  readonly environment: string;
  readonly severity: string;
  /** For `inhibited`: the alerts that inhibit it. */
  readonly inhibitedBy?: readonly string[];
}

interface Tracked {
  state: "pending" | "firing";
  fired: boolean;
  inhibitedBy: string;
  labels: Record<string, string>;
}

type Labels = Record<string, string>;

/** One key per alert instance: every label, sorted. */
const keyOf = (labels: Labels): string => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

export class AlertLog {
  readonly events: AlertEvent[] = [];
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners: ((event: AlertEvent) => void)[] = [];
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly prometheusUrl: string,
    private readonly alertmanagerUrl: string,
  ) {}

  onEvent(listener: (event: AlertEvent) => void): void {
    this.listeners.push(listener);
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => void this.poll().catch(() => undefined), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private emit(kind: AlertEventKind, labels: Labels, inhibitedBy?: string[]): void {
    const event: AlertEvent = { id: keyOf(labels), at: Date.now(), kind, alert: labels.alertname ?? "", environment: labels.environment ?? "", severity: labels.severity ?? "", ...(inhibitedBy ? { inhibitedBy } : {}) };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** One look at both servers; emits what changed since the last. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const prometheus = (await (await fetch(`${this.prometheusUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Labels; state: "pending" | "firing" }[] } };
      const alertmanager = (await (await fetch(`${this.alertmanagerUrl}/api/v2/alerts`)).json()) as { labels: Labels; fingerprint: string; status: { inhibitedBy: string[] } }[];
      const byFingerprint = new Map(alertmanager.map((alert) => [alert.fingerprint, alert.labels.alertname]));
      const inhibition = new Map(alertmanager.map((alert) => [keyOf(alert.labels), [...new Set(alert.status.inhibitedBy.map((fingerprint) => byFingerprint.get(fingerprint) ?? fingerprint))].sort()]));
      const seen = new Set<string>();
      for (const alert of prometheus.data.alerts) {
        const key = keyOf(alert.labels);
        seen.add(key);
        let tracked = this.tracked.get(key);
        if (!tracked) {
          tracked = { state: alert.state, fired: false, inhibitedBy: "", labels: alert.labels };
          this.tracked.set(key, tracked);
          if (alert.state === "pending") this.emit("pending", alert.labels);
        }
        if (alert.state === "firing" && !tracked.fired) {
          tracked.fired = true;
          this.emit("firing", alert.labels);
        }
        tracked.state = alert.state;
        const by = alert.state === "firing" ? (inhibition.get(key) ?? []) : [];
        if (by.length > 0 && by.join() !== tracked.inhibitedBy) this.emit("inhibited", alert.labels, by);
        tracked.inhibitedBy = by.join();
      }
      for (const [key, tracked] of [...this.tracked].filter(([key]) => !seen.has(key))) {
        this.tracked.delete(key);
        this.emit(tracked.fired ? "resolved" : "cleared", tracked.labels);
      }
    } finally {
      this.polling = false;
    }
  }
}

/** An event as one line of the sandbox's output, or undefined for what is noise there (pending, cleared). */
export function describeEvent(event: AlertEvent): string | undefined {
  const name = `${event.alert} in ${event.environment}`;
  switch (event.kind) {
    case "firing":
      return `alert firing: ${name} (severity ${event.severity})`;
    case "inhibited":
      return `alert inhibited: ${name} by ${event.inhibitedBy!.join(", ")}: Alertmanager sends no notification for it while that fires`;
    case "resolved":
      return `alert resolved: ${name}`;
    default:
      return undefined;
  }
}
