/** Dashboard variables: the Prometheus datasource, then `plan` and `customer_id`, each narrowing the next. */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import type { BillingConfig } from "../config";
import { METRICS } from "../promql/metrics";
import { regex, select } from "../promql/index";

export const DATASOURCE_VARIABLE = "datasource";

/** Labels that have a dashboard variable of the same name; panel queries filter by each one the metric carries. */
export const VARIABLE_LABELS = ["plan", "customer_id"] as const;

/** Every panel, query and variable reads Prometheus through the datasource variable, never a fixed datasource. */
export const DATASOURCE: dashboard.DataSourceRef = { type: "prometheus", uid: `\${${DATASOURCE_VARIABLE}}` };

export function variables(cfg: BillingConfig): cog.Builder<dashboard.VariableModel>[] {
  const app = { namespace: cfg.appNamespace };
  return [
    new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label("Data source").type("prometheus"),
    new dashboard.QueryVariableBuilder("plan")
      .label("Plan")
      .description("Subscription plan.")
      .datasource(DATASOURCE)
      .query(`label_values(${select(METRICS.subscriptionsActive, app)}, plan)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .multi(true)
      .includeAll(true)
      .allValue(".*")
      .sort(dashboard.VariableSort.AlphabeticalAsc),
    new dashboard.QueryVariableBuilder("customer_id")
      .label("Customer")
      .description("Customer id; narrowed by the plan variable.")
      .datasource(DATASOURCE)
      .query(`label_values(${select(METRICS.paymentProcessed, { ...app, plan: regex("$plan") })}, customer_id)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .multi(true)
      .includeAll(true)
      .allValue(".*")
      .sort(dashboard.VariableSort.AlphabeticalAsc),
  ];
}
