/**
 * The engine side of a Pulumi program run: the `ResourceMonitor` and `Engine` gRPC services the Node.js SDK talks
 * to (`@pulumi/pulumi/proto`), on 127.0.0.1, recording everything the program declares.
 *
 * It answers as the Pulumi engine does for a stack with no prior state:
 * - preview: a new provider's id is the unknown value, other new resources get id "", and outputs are the planned
 *   state: the inputs, with the fields a provider computes unknown;
 * - update: every resource gets an id, and the computed fields a value.
 * Where it differs: no provider plugin runs, so nothing is checked against a cluster or Grafana, and computed fields
 * take stand-in values (see {@link COMPUTED}); it answers stack reads only for the stacks it is given, and refuses
 * (with an error the program sees, recorded in `refused`) every invoke, call, other read and transform.
 */
import { createHash } from "node:crypto";

import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { decode, holdsSecret, secret, UNKNOWN } from "./wire";

/* The SDK's generated stubs ship without ES-module typings for the service objects; they are loaded as it loads them. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourceGrpc = require("@pulumi/pulumi/proto/resource_grpc_pb") as { ResourceMonitorService: grpc.ServiceDefinition };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineService: grpc.ServiceDefinition };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourcePb = require("@pulumi/pulumi/proto/resource_pb") as Record<string, new () => Message>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const enginePb = require("@pulumi/pulumi/proto/engine_pb") as Record<string, new () => Message>;

export type Mode = "preview" | "update";

export const STACK_TYPE = "pulumi:pulumi:Stack";
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export interface RegisteredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** `type::name` of the parent; absent only for the Stack itself. */
  readonly parent?: string;
  /** The parent's full URN, as sent; absent only for the Stack itself. */
  readonly parentUrn?: string;
  /** False for component resources (and the Stack). */
  readonly custom: boolean;
  /** `register` for what the program declares; `read` for an existing resource it reads (a StackReference). */
  readonly operation: "register" | "read";
  /** Inputs with secrets unwrapped to their plain values; a value unknown at the time holds {@link UNKNOWN}. */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths of the inputs that arrived as secrets ("" when the whole input object was one secret). */
  readonly secretPaths: readonly string[];
  /** `type::name` of the provider a custom resource is deployed through; absent for default providers and components. */
  readonly provider?: string;
  /** `type::name` of every resource this one waits for (dependsOn, and resources its inputs came from), sorted. */
  readonly dependencies: readonly string[];
  /** Input name → `type::name` of the resources that input came from. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly retainOnDelete: boolean;
  readonly protect: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  /** Alias specs or URNs, as sent. */
  readonly aliases: readonly unknown[];
  /** The customTimeouts option; absent when unset. */
  readonly customTimeouts?: { readonly create?: string; readonly update?: string; readonly delete?: string };
  /** The id the engine answered ("" for components, and for new non-provider resources in a preview). */
  readonly id: string;
  /** What a component registered with registerOutputs (plain values); absent when it registered none. */
  outputs?: Record<string, unknown>;
}

export type Severity = "debug" | "info" | "warning" | "error";

export interface LogEntry {
  readonly severity: Severity;
  readonly message: string;
  /** `type::name` of the resource the message is about; absent for the stack as a whole. */
  readonly resource?: string;
}

/** What another stack exports, as a StackReference reads it. */
export interface StackOutputs {
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Names of the outputs that are secrets there. */
  readonly secretOutputNames?: readonly string[];
}

export interface MonitorOptions {
  readonly project: string;
  readonly stack: string;
  readonly mode: Mode;
  /** Stacks a StackReference may read, by fully qualified name (organization/project/stack). */
  readonly stackOutputs?: Readonly<Record<string, StackOutputs>>;
}

/** Everything one program run told the engine. */
export interface Recording {
  readonly resources: RegisteredResource[];
  /** The stack outputs, plain; a value unknown in a preview holds {@link UNKNOWN}. Empty until the stack registers them. */
  stackOutputs: Record<string, unknown>;
  /** Names of the stack outputs that are secrets. */
  secretOutputs: string[];
  readonly logs: LogEntry[];
  /** Requests the engine refused because it was not told how to answer them, in the words the program was given. */
  readonly refused: string[];
}

/**
 * The fields a provider computes that the program reads back, with the stand-in values an update gives them (a
 * preview leaves them unknown). Only what index.ts reads is listed; any other output is simply absent.
 */
export const COMPUTED: Readonly<Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>>> = {
  "grafana:oss/folder:Folder": (name, inputs) => ({ uid: inputs.uid ?? `${name}-uid` }),
  "grafana:oss/dashboard:Dashboard": (name) => ({ url: `https://grafana.invalid/d/${name}` }),
};

interface Message {
  [method: string]: (...args: never[]) => unknown;
}

/** A google.protobuf.Struct as plain JSON (the wire form: signatures still in place). */
const structValue = (value: Struct | undefined): Record<string, unknown> => (value ? (value.toJavaScript() as Record<string, unknown>) : {});

const typeAndName = (urn: string): string => {
  // urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>
  const parts = urn.split("::");
  const types = parts[2].split("$");
  return `${types[types.length - 1]}::${parts.slice(3).join("::")}`;
};

/** `urn::id` (a provider reference) to `type::name`. */
const providerName = (reference: string): string => typeAndName(reference.slice(0, reference.lastIndexOf("::")));

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 16);

const SEVERITIES: readonly Severity[] = ["debug", "info", "warning", "error"];

/** Features the Pulumi engine reports; the SDK asks for each at start. */
const SUPPORTED_FEATURES = new Set(["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs", "transforms", "invokeTransforms", "parameterization"]);

export class LocalMonitor {
  readonly recording: Recording = { resources: [], stackOutputs: {}, secretOutputs: [], logs: [], refused: [] };
  private readonly server = new grpc.Server();
  /** URN → the qualified type its children's URNs start with. */
  private readonly typeChains = new Map<string, string>();
  private readonly byUrn = new Map<string, RegisteredResource>();
  private stackUrn = "";
  private rootResource = "";

  constructor(private readonly options: MonitorOptions) {
    this.server.addService(resourceGrpc.ResourceMonitorService, this.guarded(this.resourceMonitor()));
    this.server.addService(engineGrpc.EngineService, this.guarded(this.engine()));
  }

  /** Each handler, with anything it throws (a request it cannot read) answered as a refusal instead of lost. */
  private guarded(handlers: Record<string, (call: Call, callback: Callback) => void>): grpc.UntypedServiceImplementation {
    return Object.fromEntries(
      Object.entries(handlers).map(([method, handler]) => [
        method,
        (call: Call, callback: Callback) => {
          try {
            handler(call, callback);
          } catch (error) {
            callback(this.refuse(`a ${method} request: ${(error as Error).message}`));
          }
        },
      ]),
    );
  }

  /** Starts serving on a free port of 127.0.0.1; returns the address for `--monitor` and `--engine`. */
  listen(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(`127.0.0.1:${port}`)));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.tryShutdown(() => resolve());
      // Calls still open (a program killed mid-call) would hold tryShutdown forever.
      setTimeout(() => this.server.forceShutdown(), 1000).unref();
    });
  }

  private urnOf(type: string, name: string, parent: string): string {
    const parentChain = parent && parent !== this.stackUrn ? this.typeChains.get(parent) : undefined;
    const chain = parentChain ? `${parentChain}$${type}` : type;
    const urn = `urn:pulumi:${this.options.stack}::${this.options.project}::${chain}::${name}`;
    this.typeChains.set(urn, chain);
    return urn;
  }

  private refuse(what: string): grpc.ServiceError {
    const message = `the local engine was not told how to answer ${what}`;
    this.recording.refused.push(message);
    return Object.assign(new Error(message), { code: grpc.status.FAILED_PRECONDITION, details: message, metadata: new grpc.Metadata() });
  }

  private idFor(type: string, custom: boolean, urn: string, inputs: Record<string, unknown>): string {
    if (!custom) return "";
    const provider = type.startsWith("pulumi:providers:");
    if (this.options.mode === "preview") return provider ? UNKNOWN : "";
    const metadata = inputs.metadata as { name?: unknown; namespace?: unknown } | undefined;
    // Kubernetes objects' ids are namespace/name, as the Kubernetes provider gives them.
    if (!provider && typeof metadata?.name === "string") return typeof metadata.namespace === "string" ? `${metadata.namespace}/${metadata.name}` : metadata.name;
    return shortHash(urn);
  }

  /** The state the engine answers for a new resource: its inputs (secrets kept), and the computed fields. */
  private stateFor(type: string, name: string, wireInputs: Record<string, unknown>, plainInputs: Record<string, unknown>): Record<string, unknown> {
    const computed = COMPUTED[type]?.(name, plainInputs) ?? {};
    const planned = Object.fromEntries(Object.keys(computed).filter((key) => !(key in wireInputs)).map((key) => [key, this.options.mode === "preview" ? UNKNOWN : computed[key]]));
    return { ...wireInputs, ...planned };
  }

  private resourceMonitor(): Record<string, (call: Call, callback: Callback) => void> {
    return {
      supportsFeature: (call: Call, callback: Callback) => {
        const response = new resourcePb.SupportsFeatureResponse();
        response.setHassupport(SUPPORTED_FEATURES.has(call.request.getId() as string) as never);
        callback(null, response);
      },
      registerResource: (call: Call, callback: Callback) => {
        const req = call.request;
        const type = req.getType() as string;
        const name = req.getName() as string;
        const parent = req.getParent() as string;
        const custom = req.getCustom() as boolean;
        const urn = this.urnOf(type, name, parent);
        if (type === STACK_TYPE) this.stackUrn = urn;
        const wireInputs = structValue(req.getObject() as Struct | undefined);
        const { value, secretPaths } = decode(wireInputs);
        const inputs = value as Record<string, unknown>;
        const timeouts = req.getCustomtimeouts() as Message | undefined;
        const customTimeouts = timeouts
          ? Object.fromEntries(Object.entries({ create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }).filter(([, timeout]) => timeout !== ""))
          : {};
        const propertyDependencies: Record<string, string[]> = {};
        (req.getPropertydependenciesMap() as { forEach(fn: (deps: Message, key: string) => void): void }).forEach((deps, key) => {
          propertyDependencies[key] = [...new Set((deps.getUrnsList() as string[]).map(typeAndName))].sort();
        });
        const provider = req.getProvider() as string;
        const id = this.idFor(type, custom, urn, inputs);
        const resource: RegisteredResource = {
          urn,
          type,
          name,
          ...(parent ? { parent: typeAndName(parent), parentUrn: parent } : {}),
          custom,
          operation: "register",
          inputs,
          secretPaths,
          ...(provider ? { provider: providerName(provider) } : {}),
          dependencies: [...new Set((req.getDependenciesList() as string[]).map(typeAndName))].sort(),
          propertyDependencies,
          retainOnDelete: (req.getRetainondelete() as boolean | undefined) ?? false,
          protect: (req.getProtect() as boolean | undefined) ?? false,
          deleteBeforeReplace: (req.getDeletebeforereplace() as boolean | undefined) ?? false,
          ignoreChanges: req.getIgnorechangesList() as string[],
          aliases: [...(req.getAliasesList() as Message[]).map((alias) => alias.toObject()), ...(req.getAliasurnsList() as string[])],
          ...(Object.keys(customTimeouts).length > 0 ? { customTimeouts } : {}),
          id,
        };
        this.recording.resources.push(resource);
        this.byUrn.set(urn, resource);

        const response = new resourcePb.RegisterResourceResponse();
        response.setUrn(urn as never);
        response.setId(id as never);
        response.setObject(Struct.fromJavaScript((custom ? this.stateFor(type, name, wireInputs, inputs) : {}) as never) as never);
        callback(null, response);
      },
      registerResourceOutputs: (call: Call, callback: Callback) => {
        const urn = call.request.getUrn() as string;
        const wire = structValue(call.request.getOutputs() as Struct | undefined);
        const outputs = decode(wire).value as Record<string, unknown>;
        if (urn === this.stackUrn) {
          this.recording.stackOutputs = outputs;
          this.recording.secretOutputs = Object.keys(wire).filter((key) => holdsSecret(wire[key])).sort();
        } else {
          const resource = this.byUrn.get(urn);
          if (resource) resource.outputs = outputs;
        }
        callback(null, new Empty());
      },
      readResource: (call: Call, callback: Callback) => {
        const req = call.request;
        const type = req.getType() as string;
        const id = req.getId() as string;
        if (type !== STACK_REFERENCE_TYPE) return callback(this.refuse(`a read of ${type} ${id}`));
        const source = this.options.stackOutputs?.[id];
        if (!source) return callback(this.refuse(`a read of stack ${id} (no outputs were given for it)`));
        const name = req.getName() as string;
        const parent = req.getParent() as string;
        const urn = this.urnOf(type, name, parent);
        const properties = structValue(req.getProperties() as Struct | undefined);
        const secretNames = new Set(source.secretOutputNames ?? []);
        this.recording.resources.push({
          urn,
          type,
          name,
          ...(parent ? { parent: typeAndName(parent), parentUrn: parent } : {}),
          custom: true,
          operation: "read",
          inputs: decode(properties).value as Record<string, unknown>,
          secretPaths: [],
          dependencies: (req.getDependenciesList() as string[]).map(typeAndName).sort(),
          propertyDependencies: {},
          retainOnDelete: false,
          protect: false,
          deleteBeforeReplace: false,
          ignoreChanges: [],
          aliases: [],
          id,
        });
        const outputs = Object.fromEntries(Object.entries(source.outputs).map(([key, value]) => [key, secretNames.has(key) ? secret(value) : value]));
        const response = new resourcePb.ReadResourceResponse();
        response.setUrn(urn as never);
        response.setProperties(Struct.fromJavaScript({ name: id, outputs, secretOutputNames: [...secretNames] } as never) as never);
        callback(null, response);
      },
      invoke: (call: Call, callback: Callback) => callback(this.refuse(`the invoke ${call.request.getTok() as string}`)),
      call: (call: Call, callback: Callback) => callback(this.refuse(`the call ${call.request.getTok() as string}`)),
      registerStackTransform: (_call: Call, callback: Callback) => callback(this.refuse("a stack transform")),
      registerStackInvokeTransform: (_call: Call, callback: Callback) => callback(this.refuse("an invoke transform")),
      registerResourceHook: (_call: Call, callback: Callback) => callback(this.refuse("a resource hook")),
      registerErrorHook: (_call: Call, callback: Callback) => callback(this.refuse("an error hook")),
      registerPackage: (call: Call, callback: Callback) => callback(this.refuse(`the package registration of ${call.request.getName() as string}`)),
      getDeploymentInfo: (_call: Call, callback: Callback) => callback(this.refuse("a deployment info request")),
      signalAndWaitForShutdown: (_call: Call, callback: Callback) => callback(null, new Empty()),
    };
  }

  private engine(): Record<string, (call: Call, callback: Callback) => void> {
    return {
      log: (call: Call, callback: Callback) => {
        const req = call.request;
        const urn = req.getUrn() as string;
        this.recording.logs.push({
          severity: SEVERITIES[req.getSeverity() as number] ?? "info",
          message: req.getMessage() as string,
          ...(urn && urn !== this.stackUrn ? { resource: typeAndName(urn) } : {}),
        });
        callback(null, new Empty());
      },
      getRootResource: (_call: Call, callback: Callback) => {
        const response = new enginePb.GetRootResourceResponse();
        response.setUrn(this.rootResource as never);
        callback(null, response);
      },
      setRootResource: (call: Call, callback: Callback) => {
        this.rootResource = call.request.getUrn() as string;
        callback(null, new enginePb.SetRootResourceResponse());
      },
      startDebugging: (_call: Call, callback: Callback) => callback(this.refuse("a debugging session")),
      // The stand-in accepts any required CLI version range.
      requirePulumiVersion: (_call: Call, callback: Callback) => callback(null, new enginePb.RequirePulumiVersionResponse()),
    };
  }
}

type Call = { request: Message };
type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;
