/**
 * The wire signatures tools/engine/wire.ts writes out are the SDK's own, and a recorded value keeps where its secrets were.
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";

import { decode, holdsSecret, secret, SIGNATURES, UNKNOWN } from "../../../tools/engine/wire";

describe("the wire format", () => {
  it("uses the signatures of the installed @pulumi/pulumi", () => {
    expect({ UNKNOWN, ...SIGNATURES }).toEqual({
      UNKNOWN: rpc.unknownValue,
      key: rpc.specialSigKey,
      secret: rpc.specialSecretSig,
      resourceReference: rpc.specialResourceSig,
      outputValue: rpc.specialOutputValueSig,
    });
  });

  it("decodes secrets to their values and names their paths, resource references to their URN", () => {
    const wire = {
      plain: "a",
      stringData: secret({ "smtp-password": "s3cret" }),
      list: ["x", secret("y")],
      provider: { [SIGNATURES.key]: SIGNATURES.resourceReference, urn: "urn:pulumi:s::p::t::n", id: "1" },
      pending: UNKNOWN,
    };
    expect(decode(wire)).toEqual({
      value: { plain: "a", stringData: { "smtp-password": "s3cret" }, list: ["x", "y"], provider: "urn:pulumi:s::p::t::n", pending: UNKNOWN },
      secretPaths: ["stringData", "list[1]"],
    });
    expect([holdsSecret(wire.list), holdsSecret(wire.plain), holdsSecret({ nested: { deeper: secret(1) } })]).toEqual([true, false, true]);
  });

  it("refuses a signature it does not know, rather than record it as plain data", () => {
    expect(() => decode({ asset: { [SIGNATURES.key]: "c44067f5952c0a294b673a41bacd8c17", path: "x" } })).toThrow('a property at "asset" has a signature the local engine does not know');
  });
});
