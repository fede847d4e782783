/**
 * Checks a declared Kubernetes object as the API server would admit it: its OpenAPI schema (kubernetes-models 4.x for
 * the core groups, @kubernetes-models/prometheus-operator 4.x for monitoring.coreos.com), and the name, label and
 * data-key rules the API server applies on top (k8s.io/apimachinery/pkg/util/validation). A `…Patch` resource is a
 * server-side apply patch: checked against its object's schema with required fields left out, but with the type,
 * name and namespace a patch must carry.
 */
import type { RecordedResource } from "../../tools/engine/program";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Validatable;

/** The model class for a Pulumi Kubernetes type token, e.g. kubernetes:apps/v1:DeploymentPatch → apps/v1 Deployment. */
function modelFor(type: string): { model: ModelClass; patch: boolean } {
  const match = /^kubernetes:([\w.]+)\/(\w+):(\w+)$/.exec(type);
  if (!match) throw new Error(`${type} is not a Kubernetes type`);
  const [, group, version, kind] = match;
  const patch = kind.endsWith("Patch");
  const name = patch ? kind.slice(0, -"Patch".length) : kind;
  const module =
    group === "monitoring.coreos.com"
      ? `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${name}`
      : `kubernetes-models/${group === "core" ? version : `${group}/${version}`}/${name}`;
  const loaded = require(module) as Record<string, ModelClass>;
  return { model: loaded[name], patch };
}

// k8s.io/apimachinery/pkg/util/validation: IsDNS1123Subdomain, IsQualifiedName (label keys), IsValidLabelValue,
// IsConfigMapKey.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

function metadataProblems(inputs: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const metadata = (inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown; labels?: Record<string, unknown> };
  if (typeof metadata.name !== "string" || metadata.name.length > 253 || !DNS1123_SUBDOMAIN.test(metadata.name)) problems.push(`/metadata/name ${JSON.stringify(metadata.name)} is not a DNS-1123 subdomain`);
  if (typeof metadata.namespace !== "string" || metadata.namespace.length > 63 || !DNS1123_LABEL.test(metadata.namespace)) problems.push(`/metadata/namespace ${JSON.stringify(metadata.namespace)} is not a DNS-1123 label`);
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    const slash = key.lastIndexOf("/");
    const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
    if ((prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) || name.length > 63 || !QUALIFIED_NAME.test(name)) problems.push(`/metadata/labels key ${JSON.stringify(key)} is not a qualified name`);
    if (typeof value !== "string" || value.length > 63 || (value !== "" && !QUALIFIED_NAME.test(value))) problems.push(`/metadata/labels/${key} ${JSON.stringify(value)} is not a label value`);
  }
  for (const field of ["data", "stringData"]) {
    for (const key of Object.keys((inputs[field] ?? {}) as object)) {
      if (key.length > 253 || !CONFIG_MAP_KEY.test(key)) problems.push(`/${field} key ${JSON.stringify(key)} is not a valid key`);
    }
  }
  return problems;
}

function schemaProblems(model: ModelClass, patch: boolean, inputs: Record<string, unknown>): string[] {
  const problems: string[] = [];
  try {
    new model(inputs).validate();
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; keyword: string; message?: string }[] }).errors;
    if (!errors) throw error;
    for (const e of errors) if (!(patch && e.keyword === "required")) problems.push(`${e.instancePath || "/"} ${e.message}`);
  }
  return problems;
}

/**
 * An AlertmanagerConfig's child routes, which its CRD takes as free-form JSON while the operator reads each as a
 * Route: each is checked against the top route's schema, in place of the top route, its path put back.
 */
function childRouteProblems(model: ModelClass, inputs: Record<string, unknown>): string[] {
  const spec = inputs.spec as { route?: { routes?: Record<string, unknown>[] } } | undefined;
  const visit = (routes: Record<string, unknown>[] | undefined, at: string): string[] =>
    (routes ?? []).flatMap((route, i) => {
      const path = `${at}/routes/${i}`;
      const own = schemaProblems(model, false, { ...inputs, spec: { ...spec, route } }).map((problem) => problem.replace(/^\/spec\/route/, path));
      return [...own, ...visit(route.routes as Record<string, unknown>[] | undefined, path)];
    });
  return visit(spec?.route?.routes, "/spec/route");
}

/** Every reason the API server (or, for what a CRD leaves free-form, the operator) would refuse the object; empty when it would admit it. */
export function kubernetesProblems(resource: Pick<RecordedResource, "type" | "inputs">): string[] {
  const { model, patch } = modelFor(resource.type);
  const nested = resource.type.endsWith(":AlertmanagerConfig") ? childRouteProblems(model, resource.inputs) : [];
  return [...schemaProblems(model, patch, resource.inputs), ...nested, ...metadataProblems(resource.inputs)];
}
