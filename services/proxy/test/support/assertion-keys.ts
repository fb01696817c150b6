import { generateKeyPairSync } from "node:crypto";
import { loadAssertionKeys, type AssertionKey } from "../../src/identity/assertion-keys";

/** A fresh JWK Set as `IDENTITY_ASSERTION_KEYS` holds it: one EC P-256 key per kid, first signs. */
export function assertionKeySetJson(kids: string[] = ["test-1"]): string {
  return JSON.stringify({ keys: kids.map((kid) => ({ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }), kid })) });
}

export function testAssertionKeys(kids?: string[]): AssertionKey[] {
  return loadAssertionKeys(JSON.parse(assertionKeySetJson(kids)) as { keys: [{ kid: string; kty: "EC"; d: string }] });
}
