/**
 * The billing dashboard against the seed's panel list and features, and the additions (the firing-alerts
 * row). Expectations come from the seed's words: "gauge, target >95%", "24h pie chart", "p95 by payment method",
 * "top 10 failure codes", "% of creations", "signups → billing → Pro", "added vs consumed".
 */
import { METRICS, SYNTHETIC_METRICS } from "../../promql/metrics";
import { type DashboardJson, dashboardOf, dataPanels, type PanelJson } from "../helpers/dashboard-json";
import { alerts, ruleFileOf } from "../helpers/rule-file";
import { runStack, stackConfig } from "../helpers/stack";

const exprs = (panel: PanelJson): string[] => (panel.targets ?? []).map((target) => target.expr);

describe.each(["staging", "production"])("the %s billing dashboard", (stack) => {
  // Thresholds and windows are the stack's own (its stack file, or the seed's defaults).
  const cfg = stackConfig(stack);
  const rate = `rate${cfg.rateWindow.text}`;
  let dashboard: DashboardJson;
  let alertNames: string[];
  const panel = (title: string): PanelJson => {
    const found = dataPanels(dashboard).filter((p) => p.title === title);
    expect({ title, count: found.length }).toEqual({ title, count: 1 });
    return found[0];
  };
  beforeAll(async () => {
    const run = await runStack(stack);
    dashboard = dashboardOf(run);
    alertNames = alerts(ruleFileOf(run).parsed).map((rule) => rule.alert!);
  });

  it("refreshes every 30 s", () => {
    expect(dashboard.refresh).toBe("30s");
  });

  it("has a Prometheus datasource variable, and plan and customer_id as multi-select with All", () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, { type: v.type, multi: v.multi, includeAll: v.includeAll }]));
    expect(variables).toEqual({
      datasource: { type: "datasource", multi: false, includeAll: false },
      plan: { type: "query", multi: true, includeAll: true },
      customer_id: { type: "query", multi: true, includeAll: true },
    });
    expect(dashboard.templating.list[0].query).toBe("prometheus");
  });

  it("1. Subscription Creation Rate: a rate by plan and status", () => {
    // The recorded rate for every customer, or the raw rate for chosen ones (dashboards/common.ts forCustomers).
    expect(exprs(panel("Subscription Creation Rate"))).toEqual([
      expect.stringMatching(new RegExp(`^sum by \\(plan, status\\) \\(namespace_plan_status:rsolv_billing_subscription_created:${rate}\\{.*\\}\\)\\nor\\nsum by \\(plan, status\\) \\(rate\\(${METRICS.subscriptionCreated.name}\\{`)),
    ]);
  });

  it("2. Payment Success Rate: a gauge, green from the payment SLO's objective, red where the critical alert fires", () => {
    const gauge = panel("Payment Success Rate");
    expect(gauge.type).toBe("gauge");
    expect(gauge.fieldConfig!.defaults.unit).toBe("percentunit");
    const steps = (gauge.fieldConfig!.defaults.thresholds as { steps: { value: number | null; color: string }[] }).steps;
    expect(steps[0]).toEqual({ value: null, color: "red" });
    expect(steps[steps.length - 1]).toEqual({ value: cfg.paymentSuccessObjective, color: "green" });
    // The critical alert fires above its failure ratio, i.e. below 1 − that success; the warning below 1 − its ratio
    // (the seed: 75 % and 90 %).
    const round = (value: number | null) => (value === null ? null : Number(value.toFixed(10)));
    expect(steps.map((step) => round(step.value))).toEqual([null, round(1 - cfg.paymentFailureCriticalRatio), round(1 - cfg.paymentFailureWarningRatio), cfg.paymentSuccessObjective]);
  });

  it("3. Revenue by Plan (24h): a pie chart of the last 24 hours, by plan", () => {
    const pie = panel("Revenue by Plan (24h)");
    expect(pie.type).toBe("piechart");
    expect(exprs(pie)).toEqual([expect.stringMatching(new RegExp(`^sum by \\(plan\\) \\(increase\\(${METRICS.paymentAmount.name}_sum\\{[^}]*status="succeeded"[^}]*\\}\\[24h\\]\\)\\)`))]);
  });

  it("4. Payment Processing Duration (p95): the 95th percentile by payment method", () => {
    expect(exprs(panel("Payment Processing Duration (p95)"))).toEqual([
      expect.stringMatching(new RegExp(`^histogram_quantile\\(0\\.95, sum by \\(payment_method, le\\) \\(rate\\(${METRICS.paymentDuration.name}_bucket\\{`)),
    ]);
  });

  it("5. Usage Tracking: Fixes Consumed, by plan", () => {
    expect(exprs(panel("Usage Tracking: Fixes Consumed"))).toEqual([
      expect.stringMatching(new RegExp(`^sum by \\(plan\\) \\(namespace_plan:rsolv_billing_usage_tracked_fixes:${rate}\\{.*\\}\\)\\nor\\nsum by \\(plan\\) \\(rate\\(${METRICS.fixesConsumed.name}\\{`)),
    ]);
  });

  it("6. Customer Conversion Funnel: signed up → billing added → pro, in that order", () => {
    const stages = exprs(panel("Customer Conversion Funnel")).map((expr) => /stage="(\w+)"/.exec(expr)?.[1]);
    expect(stages).toEqual(["signed_up", "billing_added", "pro"]);
  });

  it("7. Failed Payments by Reason: the top 10 failure codes of failed payments", () => {
    expect(exprs(panel("Failed Payments by Reason"))).toEqual([
      expect.stringMatching(new RegExp(`^topk\\(10, sum by \\(failure_code\\) \\(sum_over_time\\(namespace_plan_status_failure_code:rsolv_billing_payment_processed:${rate}\\{[^}]*status="failed"\\}\\[\\$__range\\]\\) \\* 60\\)\\nor\\nsum by \\(failure_code\\) \\(increase\\(${METRICS.paymentProcessed.name}\\{.*status="failed"`)),
    ]);
  });

  it("8. Subscription Cancellation Rate: cancellations as a share of creations, red above the alert's ratio", () => {
    const cancellations = panel("Subscription Cancellation Rate");
    expect(cancellations.fieldConfig!.defaults.unit).toBe("percentunit");
    expect(exprs(cancellations)).toEqual([expect.stringMatching(new RegExp(`${METRICS.subscriptionCancelled.name}.*\\n/\\n.*${METRICS.subscriptionCreated.name}`, "s"))]);
    expect(cancellations.fieldConfig!.defaults.thresholds).toEqual({ mode: "absolute", steps: [{ value: null, color: "green" }, { value: cfg.cancellationRatio, color: "red" }] });
  });

  it("9. Active Subscriptions by Plan: a time series", () => {
    const active = panel("Active Subscriptions by Plan");
    expect(active.type).toBe("timeseries");
    expect(exprs(active)).toEqual([expect.stringMatching(new RegExp(`^sum by \\(plan\\) \\(${METRICS.subscriptionsActive.name}\\{`))]);
  });

  it("10. Credit System Overview: credits added next to credits consumed", () => {
    const reads = exprs(panel("Credit System Overview")).map((expr) => [METRICS.creditsAdded, METRICS.creditsConsumed].find((m) => expr.includes(`${m.name}_sum`))?.name);
    expect(reads).toEqual([METRICS.creditsAdded.name, METRICS.creditsConsumed.name]);
  });

  it("opens with a row of the billing alerts firing in this environment, every deployed alert included", () => {
    const [row, table] = dashboard.panels;
    expect({ row: row.type, y: row.gridPos.y, table: table.type, width: table.gridPos.w }).toEqual({ row: "row", y: 0, table: "table", width: 24 });
    const [expr] = exprs(table);
    expect(expr.startsWith(`${SYNTHETIC_METRICS.alerts.name}{`)).toBe(true);
    expect(expr).toContain(`alertstate="firing"`);
    expect(expr).toContain(`environment="${cfg.environment}"`);
    const listed = /alertname=~"([^"]+)"/.exec(expr)![1].split("|");
    expect(listed.sort()).toEqual([...alertNames].sort());
  });
});
