import { TokenRejectedError, type AccessTokenVerifier, type VerifiedAccessToken } from "./access-token-verifier";
import type { RevokedSessions } from "./revoked-sessions";

export type AuthFailureCode = "invalid_token" | "token_expired" | "session_revoked" | "user_disabled";

export type AuthResult = { ok: true; principal: VerifiedAccessToken } | { ok: false; code: AuthFailureCode; message: string };

const MESSAGES: Record<AuthFailureCode, string> = {
  invalid_token: "the access token is not valid",
  token_expired: "the access token has expired",
  session_revoked: "the session has been revoked",
  user_disabled: "the account has been disabled",
};

/** Verifies an access token and checks that its session has not been revoked since it was issued. */
export class Authenticator {
  constructor(private readonly deps: { verifier: AccessTokenVerifier; revocations: RevokedSessions }) {}

  async authenticate(token: string): Promise<AuthResult> {
    let principal: VerifiedAccessToken;
    try {
      principal = await this.deps.verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenRejectedError) return failure(error.code);
      throw error;
    }
    const revoked = await this.deps.revocations.check(principal.userId, principal.sessionId);
    return revoked ? failure(revoked) : { ok: true, principal };
  }
}

function failure(code: AuthFailureCode): AuthResult {
  return { ok: false, code, message: MESSAGES[code] };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? "");
  return match?.[1];
}
