import { accountSessionListSchema, otherSessionsRevokedSchema, type AccountSession } from "@tollgate/contracts";

/** How the SDK sends one request: the client's own, with its session (unless anonymous) and error handling. */
export type AccountCall = (method: "GET" | "POST" | "DELETE", path: string, options: { body?: unknown; anonymous?: boolean }) => Promise<unknown>;

/** What AccountApi may do with the client's stored session. */
export interface AccountSessionControl {
  /** Gets a new access token now, when logged in (its claims are read again: `email_verified`). */
  refresh(): Promise<void>;
  /** The stored session's id (the access token's `sid`), when logged in. */
  currentId(): Promise<string | undefined>;
  /** Forgets the stored session (it was ended on the server). */
  forget(): Promise<void>;
}

/**
 * A user's own account: their sessions, e-mail verification and password reset. Every method
 * rejects with `TollgateError` (status and `code` as the service answered) or a NETWORK_ERROR.
 */
export class AccountApi {
  constructor(
    private readonly call: AccountCall,
    private readonly session: AccountSessionControl,
  ) {}

  /** My live sessions, most recently used first; `current` marks this client's. 401 when not logged in. */
  async sessions(): Promise<AccountSession[]> {
    return accountSessionListSchema.parse(await this.call("GET", "/api/v1/users/me/sessions", {})).sessions;
  }

  /**
   * Ends one of my sessions everywhere (its refresh token and access JWT stop working). Ending this
   * client's own session is a logout: the stored session is forgotten too. Rejects 404
   * `SESSION_NOT_FOUND` for an id that is not one of mine.
   */
  async revokeSession(id: string): Promise<void> {
    const current = await this.session.currentId();
    await this.call("DELETE", `/api/v1/users/me/sessions/${encodeURIComponent(id)}`, {});
    if (id === current) await this.session.forget();
  }

  /** Ends every session of mine except this one; resolves how many ended. */
  async revokeOtherSessions(): Promise<number> {
    return otherSessionsRevokedSchema.parse(await this.call("POST", "/api/v1/users/me/sessions/revoke-others", {})).revoked_sessions;
  }

  /**
   * Asks for another verification mail to my address (one is sent at registration; only the
   * newest link works). Rejects 409 `EMAIL_ALREADY_VERIFIED`, 429 `RATE_LIMITED`.
   */
  async requestEmailVerification(): Promise<void> {
    await this.call("POST", "/api/v1/users/me/email/verification", {});
  }

  /**
   * Verifies the address with the token from the mail (no login needed: the mail may be opened
   * elsewhere). When this client is logged in, its session is refreshed so that its access token
   * says `email_verified` (a purchase under REQUIRE_VERIFIED_EMAIL needs that); a failed refresh
   * is left to the next one, the verification stands. Rejects 400
   * `INVALID_VERIFICATION_TOKEN` (unknown, expired, used), 422 for a malformed token.
   */
  async verifyEmail(token: string): Promise<void> {
    await this.call("POST", "/api/v1/auth/email/verify", { body: { token }, anonymous: true });
    // The address is verified whatever happens next. A refresh that fails (not logged in any
    // more, the gateway gone for a moment) must not report the verification as failed: retried,
    // it would say the token was used. The access token then catches up at its next refresh.
    await this.session.refresh().catch(() => undefined);
  }

  /**
   * Asks for a password-reset mail. Resolves the same way whether or not an account uses the
   * address (the service never says). Rejects 429 `RATE_LIMITED` (per address and per IP).
   */
  async forgotPassword(email: string): Promise<void> {
    await this.call("POST", "/api/v1/auth/password/forgot", { body: { email }, anonymous: true });
  }

  /**
   * Sets a new password with the token from the reset mail. Every session of that account ends,
   * this client's included if it was logged in to it: log in again with the new password. Rejects
   * 400 `INVALID_RESET_TOKEN` (unknown, expired, used), 422 `WEAK_PASSWORD` (the token stays usable).
   */
  async resetPassword(token: string, newPassword: string): Promise<void> {
    await this.call("POST", "/api/v1/auth/password/reset", { body: { token, new_password: newPassword }, anonymous: true });
  }
}

/** The token of a verification or reset mail: as given, or taken from its link (`…#token=<token>`). */
export function accountTokenFrom(text: string): string {
  const trimmed = text.trim();
  const fromLink = /#token=([A-Za-z0-9_-]+)/.exec(trimmed);
  return fromLink?.[1] ?? trimmed;
}
