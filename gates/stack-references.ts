import * as pulumi from "@pulumi/pulumi";

/** One StackReference per stack read: the promotion gate and the ownership check may read the same stack. */
const stackReferences = new Map<string, pulumi.StackReference>();

/** The StackReference to `name`, declared under `resourceName` the first time it is asked for. */
export function stackReference(name: string, resourceName: string): pulumi.StackReference {
  let reference = stackReferences.get(name);
  if (!reference) {
    reference = new pulumi.StackReference(resourceName, { name });
    stackReferences.set(name, reference);
  }
  return reference;
}
