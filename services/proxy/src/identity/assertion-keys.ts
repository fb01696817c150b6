import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { z } from "zod";

/** One signing key: its id, algorithm, private half and published public half. */
export interface AssertionKey {
  kid: string;
  alg: "ES256" | "RS256";
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string; alg: string; use: "sig" };
}

const jwkSchema = z.looseObject({
  kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "kid must be 1-64 of [A-Za-z0-9._-]"),
  kty: z.enum(["EC", "RSA"]),
  d: z.string().min(1, "must be a private key (d missing)"),
});
/** `IDENTITY_ASSERTION_KEYS`: a JWK Set (RFC 7517 §5) of private keys; the first signs, all are published. */
export const assertionKeySetSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: 'must be a JSON JWK Set: {"keys":[…]}' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ keys: z.array(jwkSchema).min(1, "needs at least one key") }));

/**
 * Turns the configured private JWKs into signing keys: EC P-256 signs ES256, RSA (2048 bits or
 * more) RS256 (RFC 7518 §3.1). Throws with the kid on a key that cannot be used.
 */
export function loadAssertionKeys(set: z.infer<typeof assertionKeySetSchema>): AssertionKey[] {
  const kids = new Set<string>();
  return set.keys.map((jwk) => {
    if (kids.has(jwk.kid)) throw new Error(`IDENTITY_ASSERTION_KEYS: kid ${jwk.kid} appears twice`);
    kids.add(jwk.kid);
    const privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
    const details = privateKey.asymmetricKeyDetails;
    let alg: AssertionKey["alg"];
    if (privateKey.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1") alg = "ES256";
    else if (privateKey.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= 2048) alg = "RS256";
    else throw new Error(`IDENTITY_ASSERTION_KEYS: key ${jwk.kid} must be EC P-256 or RSA of at least 2048 bits`);
    // Only the public members (RFC 7518 §6.2.1 for EC, §6.3.1 for RSA), never d, p, q, dp, dq, qi.
    const { kty, crv, x, y, n, e } = createPublicKey(privateKey).export({ format: "jwk" });
    const members = alg === "ES256" ? { kty, crv, x, y } : { kty, n, e };
    return { kid: jwk.kid, alg, privateKey, publicJwk: { ...members, kid: jwk.kid, alg, use: "sig" } };
  });
}
