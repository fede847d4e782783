import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";

export interface DashboardsArgs {
  /** Grafana base URL. */
  readonly url: string;
  /** Grafana service account token (a Pulumi secret). */
  readonly token: pulumi.Output<string>;
  readonly folderTitle: string;
  /** Dashboard JSON documents, each with its `uid`. */
  readonly dashboards: readonly { readonly uid: string; readonly json: string }[];
  /**
   * A deployment annotation: one per rollout, named after its `id` (derived from the image), kept in Grafana after
   * the next rollout replaces it here. Organisation-wide (no dashboard), found by its tags: Grafana adds a built-in
   * query for the dashboard's own annotations to every dashboard, so a dashboard-scoped one would show twice.
   * @default no annotation
   */
  readonly deployment?: { readonly text: string; readonly tags: readonly string[]; readonly id: string };
}

/** The billing folder and dashboards on the stack's Grafana, through a provider built from the stack's URL and token. */
export class Dashboards extends pulumi.ComponentResource {
  public readonly folderUid: pulumi.Output<string>;

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:dashboards:Dashboards", name, {}, opts);

    const provider = new grafana.Provider(`${name}-grafana`, { url: args.url, auth: args.token }, { parent: this });
    const childOpts = { parent: this, provider };

    const folder = new grafana.oss.Folder(`${name}-folder`, { title: args.folderTitle }, childOpts);

    for (const dashboard of args.dashboards) {
      new grafana.oss.Dashboard(
        `${name}-${dashboard.uid}`,
        { folder: folder.uid, configJson: dashboard.json, overwrite: true, message: "Updated by the billing-monitoring Pulumi stack" },
        childOpts,
      );
    }

    if (args.deployment) {
      new grafana.oss.Annotation(
        `${name}-deploy-${args.deployment.id}`,
        { text: args.deployment.text, tags: [...args.deployment.tags] },
        // A new rollout is a new resource; the old annotation stays in Grafana as history.
        { ...childOpts, retainOnDelete: true },
      );
    }

    this.folderUid = folder.uid;
    this.registerOutputs({ folderUid: this.folderUid });
  }
}
