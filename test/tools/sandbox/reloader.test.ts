/** The reloader sidecar's rendered arguments, mapped from the pod to the sandbox: only paths, address and process. */
import { type RenderedSidecar, sandboxArgs } from "../../../tools/sandbox/reloader";

const sidecar: RenderedSidecar = {
  workload: "alertmanager",
  container: {
    name: "billing-alertmanager-reloader-production",
    args: ["--reload-method=http", "--reload-url=http://127.0.0.1:9093/-/reload", "--watched-dir=/var/run/r/a-0", "--watched-dir=/var/run/r/a-1", "--delay-interval=5s", "--watch-interval=1m"],
    volumeMounts: [
      { name: "a-0", mountPath: "/var/run/r/a-0" },
      { name: "a-1", mountPath: "/var/run/r/a-1" },
    ],
  },
  volumes: [
    { name: "a-0", configMap: { name: "alertmanager-billing-production" } },
    { name: "a-1", secret: { secretName: "alertmanager-billing-production-credentials" } },
  ],
};

describe("sandboxArgs", () => {
  it("GIVEN a rendered sidecar WHEN placed in the sandbox THEN each watched mount becomes the object's directory and the URL the sandbox's, the rest unchanged", () => {
    const place = {
      directoryOf: ({ kind, name }: { kind: string; name: string }) => `/sandbox/${kind}/${name}`,
      serverUrl: "http://127.0.0.1:40123",
      processName: "unused",
    };
    expect(sandboxArgs(sidecar, place)).toEqual([
      "--reload-method=http",
      "--reload-url=http://127.0.0.1:40123/-/reload",
      "--watched-dir=/sandbox/configMap/alertmanager-billing-production",
      "--watched-dir=/sandbox/secret/alertmanager-billing-production-credentials",
      "--delay-interval=5s",
      "--watch-interval=1m",
    ]);
  });

  it("GIVEN a signal reload WHEN placed THEN the process name and the runtime-info URL are the sandbox's", () => {
    const signal = { ...sidecar, container: { ...sidecar.container, args: ["--reload-method=signal", "--process-executable-name=prometheus", "--runtimeinfo-url=http://127.0.0.1:9090/api/v1/status/runtimeinfo"] } };
    expect(sandboxArgs(signal, { directoryOf: () => "", serverUrl: "http://127.0.0.1:40999", processName: "prom-a1b2c30" })).toEqual([
      "--reload-method=signal",
      "--process-executable-name=prom-a1b2c30",
      "--runtimeinfo-url=http://127.0.0.1:40999/api/v1/status/runtimeinfo",
    ]);
  });

  it("GIVEN a watched directory no volume is mounted at WHEN placed THEN it fails naming the container and the path", () => {
    const stray = { ...sidecar, container: { ...sidecar.container, args: ["--watched-dir=/elsewhere"] } };
    expect(() => sandboxArgs(stray, { directoryOf: () => "", serverUrl: "http://x", processName: "p" })).toThrow("billing-alertmanager-reloader-production: no volume is mounted at /elsewhere");
  });
});
