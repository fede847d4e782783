/**
 * Property values as they cross the wire between a Pulumi program and the engine (google.protobuf.Struct holding
 * Pulumi's special signatures), turned into plain values for recording, and the values the engine sends back.
 *
 * The signatures are the SDK's (`@pulumi/pulumi/runtime/rpc.js`); they are written out here because loading that
 * module loads most of the SDK into every test process. test/tools/engine/wire.test.ts compares them with the SDK's.
 */

/** The wire's marker for a value not known yet (a preview's computed output). Recorded inputs keep it as is. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SIGNATURES = {
  key: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resourceReference: "5cf8f73096256a8f31e491e813e4eb8e",
  outputValue: "d0e6a833031e9bbcd3f4e8bde6ca49a4",
} as const;
const { key: specialSigKey, secret: specialSecretSig, resourceReference: specialResourceSig, outputValue: specialOutputValueSig } = SIGNATURES;

type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

export interface Decoded {
  /** The value with secrets unwrapped to their plain values, resource references as their URN. */
  readonly value: unknown;
  /** Dotted paths (`a.b[0]`) of the values that arrived as secrets; "" when the whole value was one. */
  readonly secretPaths: readonly string[];
}

const isObject = (value: unknown): value is { [key: string]: Wire } => value !== null && typeof value === "object" && !Array.isArray(value);

/** Plain value and secret paths of a wire value. */
export function decode(value: unknown): Decoded {
  const secretPaths: string[] = [];
  const walk = (item: unknown, at: string): unknown => {
    if (Array.isArray(item)) return item.map((element, i) => walk(element, `${at}[${i}]`));
    if (!isObject(item)) return item;
    switch (item[specialSigKey]) {
      case specialSecretSig:
        secretPaths.push(at);
        return walk(item.value, at);
      case specialOutputValueSig:
        if (item.secret === true) secretPaths.push(at);
        return "value" in item ? walk(item.value, at) : UNKNOWN;
      case specialResourceSig:
        return item.urn;
      case undefined:
        return Object.fromEntries(Object.entries(item).map(([key, element]) => [key, walk(element, at ? `${at}.${key}` : key)]));
      default:
        throw new Error(`a property at "${at}" has a signature the local engine does not know: ${String(item[specialSigKey])}`);
    }
  };
  const plain = walk(value, "");
  return { value: plain, secretPaths };
}

/** A value as the engine sends it: a secret wrapped in the secret signature. */
export function secret(value: unknown): Record<string, unknown> {
  return { [specialSigKey]: specialSecretSig, value };
}

/** Whether a wire value (or anything inside it) is a secret. */
export function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (!isObject(value)) return false;
  return value[specialSigKey] === specialSecretSig || Object.values(value).some(holdsSecret);
}
