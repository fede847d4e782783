/**
 * The config reloader sidecar the stack patches into Prometheus' and Alertmanager's pods, run here as a process:
 * the real prometheus-config-reloader binary (tools/versions.json's release, the one the default image runs) with the
 * arguments the stack renders. Three things differ from the pod, and only those are mapped:
 * - a watched directory is the sandbox's directory holding that ConfigMap or Secret (written as the kubelet writes a
 *   volume, see volume.ts), not the sidecar's own mount of it;
 * - the server's pod-local address (127.0.0.1:9090 / :9093) is the sandbox's port for it;
 * - the process signalled is found by a name unique to this sandbox: in the pod, the shared process namespace holds
 *   one Prometheus; on this machine other Prometheus processes may run.
 */
import type { RecordedResource } from "../engine/program";

/** The sidecar container and the pod volumes it mounts, as a stack's patch declares them. */
export interface RenderedSidecar {
  /** The Deployment or StatefulSet patched (`prometheusDeployment` or `alertmanagerDeployment`). */
  readonly workload: string;
  readonly container: { readonly name: string; readonly args: readonly string[]; readonly volumeMounts: readonly { name: string; mountPath: string }[] };
  readonly volumes: readonly { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

/** The reloader sidecars a stack's run declares (its `*-sidecar` patches). */
export function renderedSidecars(resources: readonly RecordedResource[]): RenderedSidecar[] {
  return resources
    .filter((resource) => /^kubernetes:apps\/v1:(Deployment|StatefulSet)Patch$/.test(resource.type) && resource.name.endsWith("-sidecar"))
    .map((resource) => {
      const inputs = resource.inputs as { metadata: { name: string }; spec: { template: { spec: { containers: RenderedSidecar["container"][]; volumes: RenderedSidecar["volumes"] } } } };
      const pod = inputs.spec.template.spec;
      if (pod.containers.length !== 1) throw new Error(`${resource.name}: a sidecar patch holds one container, not ${pod.containers.length}`);
      return { workload: inputs.metadata.name, container: pod.containers[0], volumes: pod.volumes };
    });
}

export interface SidecarPlace {
  /** The sandbox directory holding a ConfigMap's or Secret's files. */
  readonly directoryOf: (object: { kind: "configMap" | "secret"; name: string }) => string;
  /** The server's base URL in the sandbox, for the pod-local one. */
  readonly serverUrl: string;
  /** The name the sandbox's server process runs under. */
  readonly processName: string;
}

/** The rendered arguments with the pod's paths, address and process replaced by the sandbox's. */
export function sandboxArgs(sidecar: RenderedSidecar, place: SidecarPlace): string[] {
  const objectAt = (mountPath: string): { kind: "configMap" | "secret"; name: string } => {
    const mount = sidecar.container.volumeMounts.find((candidate) => candidate.mountPath === mountPath);
    const volume = sidecar.volumes.find((candidate) => candidate.name === mount?.name);
    if (volume?.configMap) return { kind: "configMap", name: volume.configMap.name };
    if (volume?.secret) return { kind: "secret", name: volume.secret.secretName };
    throw new Error(`${sidecar.container.name}: no volume is mounted at ${mountPath}`);
  };
  const local = (raw: string): string => {
    const url = new URL(raw);
    return `${place.serverUrl}${url.pathname}`;
  };
  return sidecar.container.args.map((arg) => {
    const [flag, value] = [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)];
    switch (flag) {
      case "--watched-dir":
        return `${flag}=${place.directoryOf(objectAt(value))}`;
      case "--process-executable-name":
        return `${flag}=${place.processName}`;
      case "--runtimeinfo-url":
      case "--reload-url":
        return `${flag}=${local(value)}`;
      default:
        return arg;
    }
  });
}
