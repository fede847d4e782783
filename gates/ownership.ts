import * as pulumi from "@pulumi/pulumi";

import { type BillingConfig, PROJECT } from "../config";
import { stackless } from "../config/load";
import { stackReference } from "./stack-references";

/**
 * One Alertmanager loads one configuration: the owner reads every stack it routes and stops, before anything is
 * declared, when one of them writes the configuration too.
 */
export async function ownershipCheck(config: BillingConfig): Promise<void> {
  const owner = config.alertmanagerOwner;
  if (!owner) return;
  const target = `${config.monitoringNamespace}/${config.alertmanagerDeployment}`;
  const routedEnvironments: unknown[] = [];
  for (const stack of config.routedStacks) {
    const routed = stackReference(stack, `routed-${stack.replace(/\//g, "-")}`);
    routedEnvironments.push((await routed.getOutputDetails("environment")).value);
    const owns = (await routed.getOutputDetails("alertmanagerOwner")).value;
    if (owns === true) {
      const name = stack.split("/").pop();
      throw stackless(
        new pulumi.RunError(
          `Stack ${stack} also writes the configuration of the Alertmanager ${target}, which this stack (${config.stack}) owns: one Alertmanager loads one configuration, so the last \`pulumi up\` would silently decide the routing of both. Nothing was deployed. Let this stack route both environments and run: pulumi config set alertmanagerOwner false --stack ${name}`,
        ),
      );
    }
  }
  // A paging environment no routed stack has is a misspelling that would keep an outage from paging. Judged when
  // the list was set, or when the default ("production") is meant for this stack, the production one; and only when
  // every routed stack says its environment (one never deployed exports none). A staging stack that owns an
  // Alertmanager of its own keeps the default and pages for nothing.
  const pagingEnvironments = config.pagingEnvironments;
  const defaulted = pagingEnvironments.length === 1 && pagingEnvironments[0] === "production";
  if ((!defaulted || config.stack === "production") && routedEnvironments.every((environment) => typeof environment === "string")) {
    const routes = [config.environment, ...(routedEnvironments as string[])];
    const unknown = pagingEnvironments.filter((environment) => !routes.includes(environment));
    if (unknown.length > 0) {
      throw stackless(
        new pulumi.RunError(
          `${PROJECT}:pagingEnvironments: ${unknown.map((environment) => JSON.stringify(environment)).join(", ")} is not an environment this Alertmanager configuration routes, so no alert would ever page for it; allowed: ${[...new Set(routes)].join(", ")} (this stack's environment and those of routedStacks). Nothing was deployed.`,
        ),
      );
    }
  }
}
