/**
 * resolveAliases: the URNs a resource answers to, by the Pulumi engine's rules (step_generator.go), on made-up
 * registrations: the alias specs as the Node.js SDK sends them (a spec naming no parent carries the resource's own).
 */
import { parseUrn, type Registration, resolveAliases } from "../../../tools/engine/aliases";

const STACK = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
const urn = (chain: string, name: string) => `urn:pulumi:dev::proj::${chain}::${name}`;
const spec = (fields: { name?: string; type?: string; parenturn?: string; noparent?: boolean; stack?: string; project?: string }) => ({
  urn: "",
  spec: { name: "", type: "", stack: "", project: "", parenturn: "", noparent: false, ...fields },
});

/** A component `pkg:a:Group` renamed `new` from `old`, with a child named after it and one that is not. */
const renamedParent: Registration[] = [
  { urn: STACK, type: "pulumi:pulumi:Stack", name: "proj-dev", aliases: [] },
  { urn: urn("pkg:a:Group", "new"), type: "pkg:a:Group", name: "new", parentUrn: STACK, aliases: [spec({ name: "old", parenturn: STACK })] },
  { urn: urn("pkg:a:Group$k8s:ConfigMap", "new-rules"), type: "k8s:ConfigMap", name: "new-rules", parentUrn: urn("pkg:a:Group", "new"), aliases: [] },
  { urn: urn("pkg:a:Group$k8s:Secret", "credentials"), type: "k8s:Secret", name: "credentials", parentUrn: urn("pkg:a:Group", "new"), aliases: [] },
];

describe("resolveAliases", () => {
  it("a spec's missing fields are the resource's own; a parent that is the Stack adds nothing to the type chain", () => {
    expect(resolveAliases(renamedParent).get(urn("pkg:a:Group", "new"))).toEqual([urn("pkg:a:Group", "old")]);
  });

  it("a child answers under its parent's old URN: a name starting with the parent's takes the old one in its place; another name keeps its URN (a URN holds its parent's type, not its name)", () => {
    const aliases = resolveAliases(renamedParent);
    expect(aliases.get(urn("pkg:a:Group$k8s:ConfigMap", "new-rules"))).toEqual([urn("pkg:a:Group$k8s:ConfigMap", "old-rules")]);
    expect(aliases.get(urn("pkg:a:Group$k8s:Secret", "credentials"))).toEqual([]);
  });

  it("moved under a new parent: { parent: rootStackResource } (noParent) answers without a type chain; a parent URN with its chain", () => {
    const wrapper = urn("pkg:a:Wrapper", "w");
    const moved: Registration[] = [
      { urn: STACK, type: "pulumi:pulumi:Stack", name: "proj-dev", aliases: [] },
      { urn: wrapper, type: "pkg:a:Wrapper", name: "w", parentUrn: STACK, aliases: [] },
      { urn: urn("pkg:a:Wrapper$pkg:a:Group", "g"), type: "pkg:a:Group", name: "g", parentUrn: wrapper, aliases: [spec({ noparent: true }), spec({ type: "pkg:b:Group", parenturn: wrapper })] },
      { urn: urn("pkg:a:Wrapper$pkg:a:Group$k8s:ConfigMap", "g-rules"), type: "k8s:ConfigMap", name: "g-rules", parentUrn: urn("pkg:a:Wrapper$pkg:a:Group", "g"), aliases: [] },
    ];
    const aliases = resolveAliases(moved);
    expect(aliases.get(urn("pkg:a:Wrapper$pkg:a:Group", "g"))).toEqual([urn("pkg:a:Group", "g"), urn("pkg:a:Wrapper$pkg:b:Group", "g")]);
    expect(aliases.get(urn("pkg:a:Wrapper$pkg:a:Group$k8s:ConfigMap", "g-rules"))).toEqual([urn("pkg:a:Group$k8s:ConfigMap", "g-rules"), urn("pkg:a:Wrapper$pkg:b:Group$k8s:ConfigMap", "g-rules")]);
  });

  it("an alias URN is itself; a spec may name another stack and project", () => {
    const resource: Registration = { urn: urn("k8s:ConfigMap", "c"), type: "k8s:ConfigMap", name: "c", parentUrn: STACK, aliases: ["urn:pulumi:dev::proj::k8s:ConfigMap::legacy", spec({ stack: "prod", project: "other", parenturn: STACK })] };
    expect(resolveAliases([resource]).get(resource.urn)).toEqual(["urn:pulumi:dev::proj::k8s:ConfigMap::legacy", "urn:pulumi:prod::other::k8s:ConfigMap::c"]);
  });

  it("parseUrn: a name may hold '::'", () => {
    expect(parseUrn("urn:pulumi:dev::proj::a$b::n::m")).toEqual({ stack: "dev", project: "proj", qualifiedType: "a$b", type: "b", name: "n::m" });
  });
});
