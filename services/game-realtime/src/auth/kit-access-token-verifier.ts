import { AuthenticationError, type JwtVerifier } from "@tollgate/service-kit";
import { TokenRejectedError, type AccessTokenVerifier, type VerifiedAccessToken } from "./access-token-verifier";

/**
 * Adapts the shared JWT verifier (RS256 against the auth service's JWKS) to this service's port.
 * The shared verifier answers every failure with one 401; its `cause` says why. Expiry is told
 * apart so a client knows to refresh rather than log in again; the shared verifier checks the
 * signature before the expiry, so "expired" is only ever said of a genuine token.
 */
export class KitAccessTokenVerifier implements AccessTokenVerifier {
  constructor(private readonly verifier: JwtVerifier) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    try {
      const claims = await this.verifier.verifyAccessToken(token);
      return { userId: claims.sub, sessionId: claims.sid, role: claims.role, expiresAt: new Date(claims.exp * 1000) };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const reason = typeof error.cause === "string" ? error.cause : "invalid token";
      throw new TokenRejectedError(reason === "token expired" ? "BEARER_TOKEN_EXPIRED" : "BEARER_TOKEN_INVALID", reason);
    }
  }
}
