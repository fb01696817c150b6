import { DependencyUnavailableError, type KeySource } from "@tollgate/service-kit";
import jwt from "jsonwebtoken";
import { z } from "zod";
import { invalidIdTokenError } from "../auth-errors";

const headerSchema = z.object({ alg: z.literal("RS256"), kid: z.string().regex(/^[\x21-\x7e]{1,256}$/) });

/** The ID-token claims a sign-in uses (the registered ones are checked by jsonwebtoken). */
const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  aud: z.union([z.string(), z.array(z.string())]),
  // jsonwebtoken checks exp and iat when present; an ID token must have both.
  exp: z.number(),
  iat: z.number(),
  azp: z.string().optional(),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  preferred_username: z.string().optional(),
  name: z.string().optional(),
});
export type IdTokenClaims = z.infer<typeof claimsSchema>;

/**
 * OpenID Connect Core §3.1.3.7 for one provider: RS256 signature by a key of the provider's JWKS
 * (found by `kid`, refetched on an unknown one through service-kit's JwksKeyStore), `iss` equal to
 * the configured issuer, our client id in `aud` (and in `azp` when there are several audiences),
 * `exp`/`iat`, and the `nonce` this sign-in started with. Any failure is 401 INVALID_ID_TOKEN.
 */
export class IdTokenVerifier {
  constructor(
    private readonly options: { keys: KeySource; issuer: string; clientId: string; provider: string; clockToleranceSeconds?: number },
  ) {}

  async verify(idToken: string, nonce: string): Promise<IdTokenClaims> {
    const decoded = jwt.decode(idToken, { complete: true });
    const header = headerSchema.safeParse(decoded?.header);
    if (!decoded || !header.success) throw invalidIdTokenError("malformed token or unsupported header");
    const key = await this.options.keys.getKey(header.data.kid).catch((error: unknown) => {
      throw error instanceof DependencyUnavailableError ? new DependencyUnavailableError(`sign-in provider ${this.options.provider}`, { cause: error.cause ?? error }) : error;
    });
    if (!key) throw invalidIdTokenError("unknown signing key");
    let payload: unknown;
    try {
      payload = jwt.verify(idToken, key, {
        algorithms: ["RS256"],
        issuer: this.options.issuer,
        audience: this.options.clientId,
        nonce,
        clockTolerance: this.options.clockToleranceSeconds ?? 30,
      });
    } catch (error) {
      throw invalidIdTokenError(error instanceof Error ? error.message : "verification failed");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw invalidIdTokenError("unexpected claims");
    if (Array.isArray(claims.data.aud) && claims.data.aud.length > 1 && claims.data.azp !== this.options.clientId) throw invalidIdTokenError("azp is not this client");
    return claims.data;
  }
}
