/**
 * Which URNs a registered resource answers to, as the Pulumi engine works them out when it looks a resource up in
 * the stack's state (pkg/resource/deploy/step_generator.go: generateAliases, collapseAliasToUrn,
 * inheritedChildAlias; sdk/go/common/resource/alias.go: CreateURN):
 * - an alias URN is itself;
 * - an alias spec's missing name, type, project and stack are the resource's own; its parent is `parentUrn`, none with
 *   `noParent`, else the resource's parent; a parent that is the Stack adds nothing to the type chain;
 * - a child also answers under every URN its parent answers to: its own name (or its alias' name), with the parent's
 *   old name in place of the new one when the child's name starts with it (`${name}-rules`).
 * Where the engine takes the one old URN its parent was found under, this takes every URN the parent answers to:
 * what the resource answers to in any state the aliases were written for.
 *
 * Pulumi's Node.js SDK 3.x sends alias specs with `aliasSpecs` set, so the engine reads them as sent (no legacy
 * Node.js transform); the SDK puts the resource's parent into a spec that names none.
 */
import { STACK_TYPE } from "./monitor";

/** A resource as identities need it: what the engine was sent. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parentUrn?: string;
  /** Alias specs (`{ urn, spec: { name, type, stack, project, parenturn, noparent } }`) or alias URNs, as sent. */
  readonly aliases: readonly unknown[];
}

export interface ParsedUrn {
  readonly stack: string;
  readonly project: string;
  /** The parent type chain and the type: `a$b$type`. */
  readonly qualifiedType: string;
  readonly type: string;
  readonly name: string;
}

/** urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>; a name may itself hold `::`. */
export function parseUrn(urn: string): ParsedUrn {
  const parts = urn.split("::");
  if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) throw new Error(`not a Pulumi URN: ${urn}`);
  const qualifiedType = parts[2];
  const types = qualifiedType.split("$");
  return { stack: parts[0].slice("urn:pulumi:".length), project: parts[1], qualifiedType, type: types[types.length - 1], name: parts.slice(3).join("::") };
}

/** CreateURN: a parent (other than none) prefixes its own type chain. */
function createUrn(name: string, type: string, parentUrn: string | undefined, project: string, stack: string): string {
  if (!parentUrn) return `urn:pulumi:${stack}::${project}::${type}::${name}`;
  return `${parentUrn.slice(0, parentUrn.lastIndexOf("::"))}$${type}::${name}`;
}

const isStack = (urn: string | undefined): boolean => urn !== undefined && parseUrn(urn).qualifiedType === STACK_TYPE;

interface AliasSpec {
  readonly name?: string;
  readonly type?: string;
  readonly stack?: string;
  readonly project?: string;
  readonly parentUrn?: string;
  readonly noParent?: boolean;
}

/** An alias as recorded: a URN, or a spec with empty strings for what it leaves out. */
function readAlias(alias: unknown): { urn: string } | { spec: AliasSpec } {
  if (typeof alias === "string") return { urn: alias };
  const { urn, spec } = alias as { urn?: string; spec?: { name?: string; type?: string; stack?: string; project?: string; parenturn?: string; noparent?: boolean } };
  if (urn) return { urn };
  if (!spec) throw new Error(`an alias that is neither a URN nor a spec: ${JSON.stringify(alias)}`);
  return { spec: { name: spec.name || undefined, type: spec.type || undefined, stack: spec.stack || undefined, project: spec.project || undefined, parentUrn: spec.parenturn || undefined, noParent: spec.noparent || undefined } };
}

/**
 * Every URN each resource answers to besides its own, by URN, in the order the engine would try them. `resources`
 * in registration order: a parent before its children, as the engine sees them.
 */
export function resolveAliases(resources: readonly Registration[]): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  /** The URNs a resource answers to: its own first. */
  const answers = (urn: string): string[] => [urn, ...(resolved.get(urn) ?? [])];
  for (const resource of resources) {
    const own = parseUrn(resource.urn);
    const result: string[] = [];
    const add = (urn: string): void => {
      if (urn !== resource.urn && !result.includes(urn)) result.push(urn);
    };
    /** collapseAliasToUrn, once for each URN an alias' named parent answers to. */
    const collapse = (spec: AliasSpec): string[] => {
      const parents = spec.noParent ? [undefined] : spec.parentUrn ? answers(spec.parentUrn) : [resource.parentUrn];
      return parents.map((parent) => createUrn(spec.name ?? resource.name, spec.type ?? resource.type, isStack(parent) ? undefined : parent, spec.project ?? own.project, spec.stack ?? own.stack));
    };
    const aliases = resource.aliases.map(readAlias);
    const direct = aliases.flatMap((alias) => ("urn" in alias ? [alias.urn] : collapse(alias.spec)));
    direct.forEach(add);
    const parent = resource.parentUrn;
    if (parent && !isStack(parent)) {
      const parentName = parseUrn(parent).name;
      const inherited = (type: string, name: string, parentAlias: string): string => {
        const old = parseUrn(parentAlias);
        const aliasName = name.startsWith(parentName) ? `${old.name}${name.slice(parentName.length)}` : name;
        return `urn:pulumi:${own.stack}::${own.project}::${old.qualifiedType}$${type}::${aliasName}`;
      };
      for (const parentAlias of resolved.get(parent) ?? []) {
        add(inherited(resource.type, resource.name, parentAlias));
        for (const alias of direct) {
          const { type, name } = parseUrn(alias);
          add(inherited(type, name, parentAlias));
        }
      }
    }
    resolved.set(resource.urn, result);
  }
  return resolved;
}
