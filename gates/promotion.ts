/**
 * The promotion gate: a gated stack (production) may only run the image its source stack (staging) exports. The
 * rule is pure (promotionProblem); promotionGate reads the source stack's `image` output and throws the problem, before
 * the program declares anything.
 */
import * as pulumi from "@pulumi/pulumi";

import { type BillingConfig, PROJECT } from "../config";
import { stackless } from "../config/load";
import { stackReference } from "./stack-references";

/** `repo:tag@sha256:…` → `repo@sha256:…`; a reference without a digest is returned as it is. */
function pinned(reference: string): string {
  const at = reference.indexOf("@");
  if (at < 0) return reference;
  const repositoryAndTag = reference.slice(0, at);
  const lastSlash = repositoryAndTag.lastIndexOf("/");
  const colon = repositoryAndTag.indexOf(":", lastSlash + 1);
  return `${colon < 0 ? repositoryAndTag : repositoryAndTag.slice(0, colon)}${reference.slice(at)}`;
}

/**
 * Whether two image references name the same image: when both carry a digest, repository and digest decide (the tag
 * is only a label then); otherwise the references must be identical.
 */
export function sameImage(a: string, b: string): boolean {
  return a.includes("@") && b.includes("@") ? pinned(a) === pinned(b) : a === b;
}

export interface PromotionCheck {
  /** The stack being deployed. */
  readonly stack: string;
  /** The image reference it would run. */
  readonly image: string;
  /** organization/project/stack of the source stack. */
  readonly sourceStack: string;
  /** The source stack's `image` output as read; undefined when it has none. */
  readonly sourceImage: unknown;
}

/** Why the image may not be deployed, or undefined when the source stack runs it. */
export function promotionProblem(check: PromotionCheck): string | undefined {
  const override = `in an emergency only: pulumi config set ${PROJECT}:skipPromotionGate true --stack ${check.stack}`;
  if (typeof check.sourceImage !== "string" || check.sourceImage === "") {
    return `Promotion gate: stack ${check.sourceStack} exports no image, so nothing is known to have run there; deploy the image there first (pulumi up --stack ${check.sourceStack}), or, ${override}`;
  }
  if (sameImage(check.image, check.sourceImage)) return undefined;
  return `Promotion gate: ${check.image} has not run in ${check.sourceStack}, which runs ${check.sourceImage}; deploy it there first (pulumi up --stack ${check.sourceStack}), or, ${override}`;
}

/** Reads the source stack's image and throws unless it is this stack's; says how the gate was passed. */
export async function promotionGate(config: BillingConfig): Promise<string> {
  if (!config.promotionSourceStack) return "ungated";
  const { promotionSourceStack: sourceStack, skipPromotionGate: skip } = config;
  if (skip) {
    pulumi.log.warn(`Promotion gate skipped (skipPromotionGate): ${config.image.reference} is deployed without checking that ${sourceStack} runs it`);
    return `skipped: ${sourceStack} not consulted`;
  }
  const source = stackReference(sourceStack, "promotion-source");
  const exported = await source.getOutputDetails("image");
  const problem = promotionProblem({ stack: config.stack, image: config.image.reference, sourceStack, sourceImage: exported.value ?? exported.secretValue });
  if (problem) throw stackless(new pulumi.RunError(problem));
  return `verified: ${sourceStack} runs it`;
}
