import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { sha256 } from "../common/hash";
import { toJson } from "../common/serialize";

/** A volume the sidecar mounts: the same ConfigMap or Secret the server mounts, by name. */
export interface WatchedVolume {
  readonly kind: "configMap" | "secret";
  /** The ConfigMap's or Secret's name. */
  readonly object: string;
}

/**
 * The config reloader sidecar (prometheus-operator's prometheus-config-reloader): it watches its own mounts of the
 * objects the server reads and, once the kubelet has swapped in their new content, makes the server reload it.
 */
export interface ReloaderSidecar {
  /** Container name, unique in the pod: a Prometheus shared by two stacks carries one sidecar per environment. */
  readonly container: string;
  readonly image: string;
  readonly volumes: readonly WatchedVolume[];
  /**
   * How the server is told. `signal`: SIGHUP to the process named `process` (the pod shares its process namespace),
   * its success read from `runtimeInfoUrl` (Prometheus). `http`: a POST to `reloadUrl` (Alertmanager's /-/reload).
   */
  readonly reload: { readonly method: "signal"; readonly process: string; readonly runtimeInfoUrl: string } | { readonly method: "http"; readonly reloadUrl: string };
}

export interface ConfigReloadArgs {
  /** Namespace of the Deployment. */
  readonly namespace: string;
  /** The existing Deployment or StatefulSet (Prometheus or Alertmanager) that reads the content. */
  readonly deployment: string;
  /** Its kind. @default "Deployment" */
  readonly kind?: "Deployment" | "StatefulSet";
  /**
   * `sidecar`: the patch adds the reloader once and the pods are never restarted for new content. `restart`: the
   * patch owns one pod-template annotation holding the files' hash, so new content rolls the pods.
   */
  readonly method: { readonly kind: "restart"; readonly annotation: string } | { readonly kind: "sidecar"; readonly sidecar: ReloaderSidecar };
  /** The files the Deployment reads (file name → content, secrets included); only their hash leaves this component. */
  readonly files: Readonly<Record<string, pulumi.Input<string>>>;
  /** How long Pulumi waits for the patched pods to become ready before it fails the update, in seconds. */
  readonly timeoutSeconds: number;
  /** The objects holding the content; the patch is applied after them, so the restarted pods read the new content. */
  readonly contentObjects: readonly pulumi.Resource[];
}

/**
 * The hash of the files: one file's is its content's SHA-256 (what `sha256sum` prints for it), several files' is
 * the SHA-256 of their names and contents in name order.
 */
export function filesHash(files: Readonly<Record<string, string>>): string {
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  const text = entries.length === 1 ? entries[0][1] : toJson(entries);
  return sha256(text);
}

/** Where the sidecar mounts each watched object: its own read-only volume, named after the container. */
export function watchedMount(sidecar: Pick<ReloaderSidecar, "container">, index: number): { volume: string; path: string } {
  const volume = `${sidecar.container}-${index}`;
  return { volume, path: `/var/run/billing-reloader/${volume}` };
}

/**
 * The reloader's arguments. The delay outlasts the moment between the kubelet refreshing the sidecar's mount and the
 * server's (one pass over the pod's volumes); the watch interval re-reads the files should a change event be missed.
 */
export function reloaderArgs(sidecar: ReloaderSidecar): string[] {
  const reload =
    sidecar.reload.method === "signal"
      ? ["--reload-method=signal", `--process-executable-name=${sidecar.reload.process}`, `--runtimeinfo-url=${sidecar.reload.runtimeInfoUrl}`]
      : ["--reload-method=http", `--reload-url=${sidecar.reload.reloadUrl}`];
  return [...reload, ...sidecar.volumes.map((_, i) => `--watched-dir=${watchedMount(sidecar, i).path}`), "--delay-interval=5s", "--watch-interval=1m"];
}

/** The pod-template fragment the sidecar patch owns: its container, its volumes and (for a signal) the shared process namespace. */
export function sidecarTemplate(sidecar: ReloaderSidecar): Record<string, unknown> {
  const mounts = sidecar.volumes.map((watched, i) => ({ watched, ...watchedMount(sidecar, i) }));
  return {
    ...(sidecar.reload.method === "signal" ? { shareProcessNamespace: true } : {}),
    containers: [
      {
        name: sidecar.container,
        image: sidecar.image,
        args: reloaderArgs(sidecar),
        volumeMounts: mounts.map(({ volume, path }) => ({ name: volume, mountPath: path, readOnly: true })),
        resources: { requests: { cpu: "10m", memory: "50Mi" }, limits: { memory: "50Mi" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      },
    ],
    volumes: mounts.map(({ watched, volume: name }) =>
      watched.kind === "configMap" ? { name, configMap: { name: watched.object } } : { name, secret: { secretName: watched.object } },
    ),
  };
}

/**
 * Makes a Deployment or StatefulSet pick up changed files without `kill -HUP` by hand, through one server-side-apply
 * patch of this stack's own: either the reloader sidecar (added once; new content is then reloaded in the running
 * pods, which keep their evaluation state, notification log and silences) or a pod-template annotation holding the
 * files' hash (a new hash rolls the pods; an unchanged one is no change at all).
 */
export class ConfigReload extends pulumi.ComponentResource {
  /** The files' hash. Never secret: only a hash leaves the files, so the annotation and outputs stay readable. */
  public readonly hash: pulumi.Output<string>;

  constructor(name: string, args: ConfigReloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super("billing-monitoring:reload:ConfigReload", name, {}, opts);
    this.hash = pulumi.unsecret(pulumi.all(args.files).apply(filesHash));

    // The same patch for either kind; Pulumi waits for the rollout of each (all pods updated and ready).
    const Patch = args.kind === "StatefulSet" ? k8s.apps.v1.StatefulSetPatch : k8s.apps.v1.DeploymentPatch;
    const method = args.method;
    const template =
      method.kind === "sidecar" ? { spec: sidecarTemplate(method.sidecar) } : { metadata: { annotations: { [method.annotation]: this.hash } } };
    // One patch either way, so switching the method updates it in place: server-side apply drops what the patch no
    // longer holds (the annotation, or the sidecar) and adds the rest, in one rollout, never a delete and a create.
    const [own, other] = method.kind === "sidecar" ? ["sidecar", "annotation"] : ["annotation", "sidecar"];
    new Patch(
      `${name}-${own}`,
      {
        metadata: {
          name: args.deployment,
          namespace: args.namespace,
          // The annotation key and the sidecar are this stack's alone; force only takes them over from an earlier
          // patch of this stack whose field manager was lost (a renamed resource, a re-created stack).
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: { template },
      },
      {
        parent: this,
        aliases: [{ name: `${name}-${other}` }],
        dependsOn: [...args.contentObjects],
        customTimeouts: { create: `${args.timeoutSeconds}s`, update: `${args.timeoutSeconds}s` },
      },
    );

    this.registerOutputs({ hash: this.hash });
  }
}
