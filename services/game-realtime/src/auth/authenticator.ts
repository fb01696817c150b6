import { BearerTokenRejectedError, type AccessTokenVerifier, type VerifiedAccessToken } from "./access-token-verifier";
import type { RevocationLog } from "@tollgate/service-kit";
import type { RevokedSessions } from "./revoked-sessions";

export type AuthFailureCode = "BEARER_TOKEN_INVALID" | "BEARER_TOKEN_EXPIRED" | "SESSION_REVOKED" | "USER_DISABLED";

export type AuthFailure = { ok: false; code: AuthFailureCode; message: string };
/** `since` marks the revocation log when the check began (see `revokedSince`). */
export type AuthSuccess = { ok: true; principal: VerifiedAccessToken; since: number };
export type AuthResult = AuthSuccess | AuthFailure;

const MESSAGES: Record<AuthFailureCode, string> = {
  BEARER_TOKEN_INVALID: "the access token is not valid",
  BEARER_TOKEN_EXPIRED: "the access token has expired",
  SESSION_REVOKED: "the session has been revoked",
  USER_DISABLED: "the account has been disabled",
};

/** Verifies an access token and checks that its session has not been revoked since it was issued. */
export class Authenticator {
  constructor(private readonly deps: { verifier: AccessTokenVerifier; revocations: RevokedSessions; log: RevocationLog<"user" | "session"> }) {}

  async authenticate(token: string): Promise<AuthResult> {
    // Before anything is checked: a revocation this instance handles from now on is in the log.
    const since = this.deps.log.mark();
    let principal: VerifiedAccessToken;
    try {
      principal = await this.deps.verifier.verify(token);
    } catch (error) {
      if (error instanceof BearerTokenRejectedError) return failure(error.code);
      throw error;
    }
    const revoked = await this.deps.revocations.check(principal.userId, principal.sessionId);
    return revoked ? failure(revoked) : { ok: true, principal, since };
  }

  /**
   * A revocation of the session or its user that this instance handled after the check began.
   * Redis answered before it, so whoever keeps what the check authorised (a socket) must register
   * it where the revocation handler looks first and then ask this, with nothing awaited between
   * the two: a revocation handled before the registration is found here, one handled after it
   * finds the registration.
   */
  revokedSince(success: AuthSuccess): AuthFailure | undefined {
    const kind = this.deps.log.revokedSince(success.since, { user: success.principal.userId, session: success.principal.sessionId });
    const code = kind === undefined ? undefined : kind === "user" ? "USER_DISABLED" : "SESSION_REVOKED";
    return code ? failure(code) : undefined;
  }
}

function failure(code: AuthFailureCode): AuthFailure {
  return { ok: false, code, message: MESSAGES[code] };
}

