import { AuthenticationError, BEARER_TOKEN_EXPIRED, type JwtVerifier } from "@tollgate/service-kit";
import { BearerTokenRejectedError, type AccessTokenVerifier, type VerifiedAccessToken } from "./access-token-verifier";

/**
 * Adapts the shared JWT verifier (RS256 against the auth service's JWKS) to this service's port.
 * The shared verifier answers every failure with a 401 whose `errorCode` says which: expiry is told
 * apart so a client knows to refresh rather than log in again. It is told by that code, never by the
 * message or the cause, which may be reworded (it once matched the literal "token expired"). The
 * shared verifier checks the signature before the expiry, so "expired" is only said of a genuine token.
 */
export class KitAccessTokenVerifier implements AccessTokenVerifier {
  constructor(private readonly verifier: Pick<JwtVerifier, "verifyAccessToken">) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    try {
      const claims = await this.verifier.verifyAccessToken(token);
      return { userId: claims.sub, sessionId: claims.sid, role: claims.role, expiresAt: new Date(claims.exp * 1000) };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const reason = typeof error.cause === "string" ? error.cause : "invalid token";
      throw new BearerTokenRejectedError(error.errorCode === BEARER_TOKEN_EXPIRED ? "BEARER_TOKEN_EXPIRED" : "BEARER_TOKEN_INVALID", reason);
    }
  }
}
