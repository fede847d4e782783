/**
 * The contract a release keeps with the stacks that run it (rendered/identities.yaml): every resource's URN, per
 * stack and per configuration variant, with the URNs its aliases resolve to; the stack outputs' names; the config
 * keys' names. A resource whose URN changes without an alias is deleted and created again by the next `pulumi up`
 * (for a ConfigMap or Secret of a fixed name, a failed update); an output that disappears breaks the stacks reading
 * it; a config key that disappears makes users' stack files refused. docs/contributing.md says how to rename.
 *
 * Pure: built from program runs, compared with the previous release's file, and written as YAML.
 */
import { parse } from "yaml";

import { parseUrn, resolveAliases } from "../engine/aliases";
import type { RegisteredResource } from "../engine/monitor";
import { PROJECT } from "../../config/schema";
import { toYaml } from "../../common/serialize";

export const IDENTITIES_FILE = "identities.yaml";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** One resource identity of a stack: in which variants it exists, and what its aliases resolve to. */
export interface Identity {
  readonly urn: string;
  /** The parent's URN; absent for the Stack. */
  readonly parent?: string;
  readonly variants: readonly string[];
  readonly aliases?: readonly string[];
}

export interface StackContract {
  readonly resources: readonly Identity[];
  /** Output name → the variants exporting it. */
  readonly outputs: Readonly<Record<string, readonly string[]>>;
}

export interface Contract {
  /** Variant name → what it sets. */
  readonly variants: Readonly<Record<string, string>>;
  /** Every config key a stack file may hold (bare), deprecated names too. */
  readonly configKeys: readonly string[];
  readonly stacks: Readonly<Record<string, StackContract>>;
}

/** One program run of a stack in a variant. */
export interface VariantRun {
  readonly stack: string;
  readonly variant: string;
  readonly resources: readonly Pick<RegisteredResource, "urn" | "type" | "name" | "parentUrn" | "aliases">[];
  readonly outputs: Readonly<Record<string, unknown>>;
}

/**
 * Resources made anew on purpose with every rollout, named by it (the dashboards' deploy annotation, one per image,
 * kept in Grafana by retainOnDelete): their identity is written with `<rollout>` for that part, so a new image is no
 * identity change.
 */
const PER_ROLLOUT: readonly { readonly type: string; readonly suffix: RegExp }[] = [{ type: "grafana:oss/annotation:Annotation", suffix: /-[0-9a-f]{12}$/ }];
export const ROLLOUT = "<rollout>";

/** A resource's URNs (its own and its aliases') with its per-rollout part as {@link ROLLOUT}. */
function perRollout(resource: Pick<VariantRun["resources"][number], "urn" | "type" | "name">): (urn: string) => string {
  const part = PER_ROLLOUT.find((entry) => entry.type === resource.type)?.suffix.exec(resource.name)?.[0];
  return (urn) => (part && urn.endsWith(part) ? `${urn.slice(0, -part.length)}-${ROLLOUT}` : urn);
}

/** The contract of a set of runs: identities and outputs merged across variants, in a stable order. */
export function buildContract(runs: readonly VariantRun[], variants: Readonly<Record<string, string>>, configKeys: readonly string[]): Contract {
  const order = Object.keys(variants);
  const byVariant = (a: string, b: string): number => order.indexOf(a) - order.indexOf(b);
  const stacks: Record<string, { resources: Map<string, { parent?: string; variants: Set<string>; aliases: Set<string> }>; outputs: Map<string, Set<string>> }> = {};
  for (const run of runs) {
    const stack = (stacks[run.stack] ??= { resources: new Map(), outputs: new Map() });
    const aliases = resolveAliases(run.resources);
    for (const resource of run.resources) {
      const normal = perRollout(resource);
      const urn = normal(resource.urn);
      const entry = stack.resources.get(urn) ?? { ...(resource.parentUrn ? { parent: resource.parentUrn } : {}), variants: new Set<string>(), aliases: new Set<string>() };
      entry.variants.add(run.variant);
      for (const alias of aliases.get(resource.urn) ?? []) entry.aliases.add(normal(alias));
      stack.resources.set(urn, entry);
    }
    for (const name of Object.keys(run.outputs)) stack.outputs.set(name, (stack.outputs.get(name) ?? new Set()).add(run.variant));
  }
  return {
    variants,
    configKeys: [...configKeys].sort(),
    stacks: Object.fromEntries(
      Object.entries(stacks)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([stack, { resources, outputs }]) => [
          stack,
          {
            resources: [...resources]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([urn, entry]) => ({
                urn,
                ...(entry.parent ? { parent: entry.parent } : {}),
                variants: [...entry.variants].sort(byVariant),
                ...(entry.aliases.size > 0 ? { aliases: [...entry.aliases].sort() } : {}),
              })),
            outputs: Object.fromEntries([...outputs].sort(([a], [b]) => a.localeCompare(b)).map(([name, found]) => [name, [...found].sort(byVariant)])),
          },
        ]),
    ),
  };
}

const HEADER = [
  "# What a release promises the stacks that run it, written by `npm run render`; compared with the working tree by",
  "# test/program/identities.program.test.ts and `npm run review`. A resource whose URN disappears without an alias is deleted and",
  "# created again by `pulumi up`; a disappearing output or config key breaks its readers. docs/contributing.md,",
  '# "Identities, outputs and config keys are a contract", says how to rename (aliases) and how to remove on purpose.',
  `# Names made anew with every rollout read ${ROLLOUT}.`,
].join("\n");

export function writeContract(contract: Contract): string {
  return `${HEADER}\n${toYaml(contract, { inlineLists: ["variants"] })}`;
}

export function readContract(text: string): Contract {
  return parse(text) as Contract;
}

/** The part of a contract for some stacks and variants: what a partial set of runs is compared with. */
export function partOf(contract: Contract, stacks: readonly string[], variants: readonly string[] = Object.keys(contract.variants)): Contract {
  const kept = (list: readonly string[]): string[] => list.filter((variant) => variants.includes(variant));
  return {
    variants: Object.fromEntries(Object.entries(contract.variants).filter(([name]) => variants.includes(name))),
    configKeys: contract.configKeys,
    stacks: Object.fromEntries(
      Object.entries(contract.stacks)
        .filter(([stack]) => stacks.includes(stack))
        .map(([stack, part]) => [
          stack,
          {
            resources: part.resources.map((identity) => ({ ...identity, variants: kept(identity.variants) })).filter((identity) => identity.variants.length > 0),
            outputs: Object.fromEntries(Object.entries(part.outputs).map(([name, found]) => [name, kept(found)] as const).filter(([, found]) => found.length > 0)),
          },
        ]),
    ),
  };
}

/** One thing a change does to the contract. */
export interface Finding {
  readonly stack?: string;
  readonly kind: "resource" | "output" | "config key";
  /** The URN, output name or config key of the previous release. */
  readonly old: string;
  /** What takes its place, when something does. */
  readonly now?: string;
  readonly variants: readonly string[];
  /** The variants in words: `variant default`, `variants default, operator`. */
  readonly scope: string;
  /** The alias (or other change) that keeps it; absent when it is kept already or nothing takes its place. */
  readonly fix?: string;
  /** The whole sentence, for a test failure, the render's refusal and the review. */
  readonly message: string;
}

export interface ContractCheck {
  /** What would break a stack: each names what to add, or the `--removed` flag for a removal on purpose. */
  readonly breaking: readonly Finding[];
  /** Identities kept by an alias. */
  readonly kept: readonly Finding[];
}

/**
 * The `--removed` value that drops a finding from the contract on purpose: a resource's URN without its stack and
 * project (`<type chain>::<name>`, the same in every stack; the whole URN is taken too), `output:<name>`, `config:<key>`.
 */
export function removalName(finding: Pick<Finding, "kind" | "old">): string {
  if (finding.kind === "resource") return finding.old.split("::").slice(2).join("::");
  return `${finding.kind === "output" ? "output" : "config"}:${finding.old}`;
}

const isRemoved = (finding: Pick<Finding, "kind" | "old">, removed: ReadonlySet<string>): boolean => removed.has(removalName(finding)) || removed.has(finding.old);

/** No parent, or the Stack: either way no type chain before the resource's own type. */
const isRoot = (parent: string | undefined): boolean => parent === undefined || parseUrn(parent).qualifiedType === STACK_TYPE;

const describe = (urn: string): string => {
  const { type, name } = parseUrn(urn);
  return `${type} "${name}"`;
};

/**
 * What the current contract does to the previous one. Only what a previous resource, output or key is compared:
 * new ones are free. `removed` holds the `--removed` values of things removed on purpose.
 */
export function checkContract(previous: Contract, current: Contract, removed: ReadonlySet<string> = new Set()): ContractCheck {
  const breaking: Finding[] = [];
  const kept: Finding[] = [];
  const currentVariants = Object.keys(current.variants);
  const variantText = (variants: readonly string[]): string => `variant${variants.length === 1 ? "" : "s"} ${variants.join(", ")}`;
  for (const [stack, before] of Object.entries(previous.stacks)) {
    const after = current.stacks[stack];
    if (!after) continue;
    const checked = (variants: readonly string[]): string[] => variants.filter((variant) => currentVariants.includes(variant));
    breaking.push(...resourceFindings(stack, before, after, checked, variantText, kept).filter((finding) => !isRemoved(finding, removed)));
    for (const [name, variants] of Object.entries(before.outputs)) {
      const lost = checked(variants).filter((variant) => !(after.outputs[name] ?? []).includes(variant));
      if (lost.length === 0 || isRemoved({ kind: "output", old: name }, removed)) continue;
      const fix = `keep exporting ${name} beside its new name for at least one release`;
      breaking.push({ stack, kind: "output", old: name, variants: lost, scope: variantText(lost), fix, message: `${stack} (${variantText(lost)}): output ${name} is gone, so a stack reading it (a StackReference) gets nothing; ${fix}` });
    }
  }
  for (const key of previous.configKeys) {
    if (current.configKeys.includes(key) || isRemoved({ kind: "config key", old: key }, removed)) continue;
    const fix = `keep the old name working: RENAMED_KEYS in config/schema.ts, ${key}: "<new key>"`;
    breaking.push({ kind: "config key", old: key, variants: [], scope: "every stack", fix, message: `config key ${PROJECT}:${key} is gone, so a stack file that sets it is refused; ${fix}` });
  }
  return { breaking, kept };
}

interface Located {
  readonly urn: string;
  readonly parent?: string;
}

function resourceFindings(
  stack: string,
  before: StackContract,
  after: StackContract,
  checked: (variants: readonly string[]) => string[],
  variantText: (variants: readonly string[]) => string,
  kept: Finding[],
): Finding[] {
  const previousUrns = new Set(before.resources.map((identity) => identity.urn));
  /** The current identity that answers to a previous URN in a variant: by its URN, or by an alias. */
  const answering = (urn: string, variant: string): Identity | undefined =>
    after.resources.find((identity) => identity.variants.includes(variant) && identity.urn === urn) ??
    after.resources.find((identity) => identity.variants.includes(variant) && identity.aliases?.includes(urn));
  // Current resources that answer to no previous identity: where a lost one may have gone.
  const fresh = after.resources.filter((identity) => !previousUrns.has(identity.urn) && !(identity.aliases ?? []).some((alias) => previousUrns.has(alias)));
  const lost = new Map<string, Identity>();
  const findings: Finding[] = [];
  const allVariants = [...new Set(after.resources.flatMap((identity) => identity.variants))];
  for (const identity of before.resources) {
    let variants = checked(identity.variants);
    let missing = variants.filter((variant) => !answering(identity.urn, variant));
    if (variants.length === 0) {
      // Every variant it was checked in is gone from VARIANTS: it must still exist in one of the others.
      variants = allVariants;
      missing = variants.some((variant) => answering(identity.urn, variant)) ? [] : variants;
    }
    if (missing.length > 0) lost.set(identity.urn, { ...identity, variants: missing });
    const aliased = variants.map((variant) => answering(identity.urn, variant)).find((found) => found && found.urn !== identity.urn);
    if (aliased && missing.length === 0) {
      kept.push({ stack, kind: "resource", old: identity.urn, now: aliased.urn, variants, scope: variantText(variants), message: `${identity.urn} → ${aliased.urn}: kept by its alias` });
    }
  }
  /** Where a previous resource is now: its URN, what answers to it, or what took its place. */
  const memo = new Map<string, Located | undefined>();
  const whereNow = (urn: string): Located | undefined => {
    if (memo.has(urn)) return memo.get(urn);
    memo.set(urn, undefined);
    const identity = before.resources.find((entry) => entry.urn === urn);
    const found = identity ? (lost.has(urn) ? successor(lost.get(urn)!) : answering(urn, checked(identity.variants)[0])) : undefined;
    memo.set(urn, found);
    return found;
  };
  const sameParent = (a: string | undefined, b: string | undefined): boolean => (isRoot(a) && isRoot(b)) || a === b;
  /** The fresh resource most likely to be the lost one renamed, moved or retyped. */
  function successor(old: Identity): Located | undefined {
    const was = parseUrn(old.urn);
    const pool = fresh.filter((identity) => identity.variants.some((variant) => old.variants.includes(variant)));
    const parentNow = isRoot(old.parent) ? old.parent : whereNow(old.parent!)?.urn;
    const named = (identity: Identity, name: string): boolean => parseUrn(identity.urn).name === name;
    // A child named after its parent (`${name}-rules`) is renamed with it.
    const parentRenamed = !isRoot(old.parent) && parentNow ? [parseUrn(old.parent!).name, parseUrn(parentNow).name] : undefined;
    const expectedName = parentRenamed && was.name.startsWith(parentRenamed[0]) ? `${parentRenamed[1]}${was.name.slice(parentRenamed[0].length)}` : was.name;
    const ofType = pool.filter((identity) => parseUrn(identity.urn).type === was.type);
    return (
      ofType.find((identity) => sameParent(identity.parent, parentNow) && named(identity, expectedName)) ??
      ofType.find((identity) => sameParent(identity.parent, parentNow)) ??
      ofType.find((identity) => named(identity, was.name)) ??
      pool.find((identity) => sameParent(identity.parent, parentNow) && named(identity, was.name)) ??
      (ofType.length === 1 ? ofType[0] : undefined)
    );
  }
  for (const old of lost.values()) {
    const now = successor(old);
    const where = `${stack} (${variantText(old.variants)})`;
    if (!now) {
      findings.push({ stack, kind: "resource", old: old.urn, variants: old.variants, scope: variantText(old.variants), message: `${where}: ${old.urn} is gone: pulumi up would delete it. If that is on purpose: npm run render -- --removed '${removalName({ kind: "resource", old: old.urn })}'` });
      continue;
    }
    const fix = aliasFix(old, now, lost, whereNow);
    findings.push({ stack, kind: "resource", old: old.urn, now: now.urn, variants: old.variants, scope: variantText(old.variants), fix, message: `${where}: ${old.urn} → ${now.urn}: pulumi up would delete and re-create it; ${fix}` });
  }
  return findings;
}

/** The alias that makes `now` answer to `old`, in the words of the resource options. */
function aliasFix(old: Identity, now: Located, lost: ReadonlyMap<string, Identity>, whereNow: (urn: string) => Located | undefined): string {
  const [was, is] = [parseUrn(old.urn), parseUrn(now.urn)];
  const target = `to ${describe(now.urn)}`;
  const parentNow = old.parent && lost.has(old.parent) ? whereNow(old.parent) : undefined;
  if (parentNow && parentNow.urn === now.parent && was.type === is.type) {
    // The parent's alias carries its children: each answers under every URN its parent answers to, by its own name
    // with the parent's old name in place of the new one when it starts with it (the engine's inheritedChildAlias).
    const [oldParentName, newParentName] = [parseUrn(old.parent!).name, parseUrn(parentNow.urn).name];
    const inherited = is.name.startsWith(newParentName) ? `${oldParentName}${is.name.slice(newParentName.length)}` : is.name;
    const renamed = oldParentName !== newParentName ? ` (was ${describe(old.parent!)})` : "";
    if (inherited === was.name) return `it follows its parent: add the alias to ${describe(parentNow.urn)}${renamed}`;
  }
  const parts: string[] = [];
  if (was.name !== is.name) parts.push(`name: ${JSON.stringify(was.name)}`);
  if (was.type !== is.type) parts.push(`type: ${JSON.stringify(was.type)}`);
  const rootParent = isRoot(old.parent);
  const parentWas = rootParent ? undefined : whereNow(old.parent!)?.urn;
  const movedParent = rootParent ? !isRoot(now.parent) : parentWas !== now.parent;
  if (movedParent) parts.push(`parent: ${rootParent ? "pulumi.rootStackResource" : `<the ${describe(parentWas ?? old.parent!)}>`}`);
  return `add aliases: [{ ${parts.join(", ")} }] ${target}`;
}
