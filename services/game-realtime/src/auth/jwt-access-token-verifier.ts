import { accessTokenClaimsSchema } from "@tollgate/contracts";
import jwt from "jsonwebtoken";
import { TokenRejectedError, type AccessTokenVerifier, type VerifiedAccessToken } from "./access-token-verifier";
import type { KeySource } from "./jwks-key-source";

/**
 * RS256 access tokens: `kid` must name a key of the auth service, `iss`/`aud` must match, `typ`
 * must be "access" and the claims must parse with the contract schema. Only RS256 is accepted, so
 * a token signed with `none` or with the public key as an HMAC secret never verifies.
 */
export class JwtAccessTokenVerifier implements AccessTokenVerifier {
  constructor(private readonly options: { keys: KeySource; issuer: string; audience: string; clockToleranceSeconds?: number }) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    const decoded = jwt.decode(token, { complete: true });
    const kid = decoded?.header.kid;
    if (!decoded || decoded.header.alg !== "RS256" || typeof kid !== "string") throw new TokenRejectedError("invalid_token", "malformed token");
    const key = await this.options.keys.getKey(kid).catch(() => undefined);
    if (!key) throw new TokenRejectedError("invalid_token", "unknown signing key");
    let payload: unknown;
    try {
      payload = jwt.verify(token, key, {
        algorithms: ["RS256"],
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new TokenRejectedError("token_expired", "token expired");
      throw new TokenRejectedError("invalid_token", error instanceof Error ? error.message : "invalid token");
    }
    const claims = accessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) throw new TokenRejectedError("invalid_token", "unexpected claims");
    return { userId: claims.data.sub, sessionId: claims.data.sid, role: claims.data.role, expiresAt: new Date(claims.data.exp * 1000) };
  }
}
