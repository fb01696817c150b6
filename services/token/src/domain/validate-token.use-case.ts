import { accessTokenHash, TokenRejectedError } from "@tollgate/service-kit";
import { accessTokenValuePattern, tokenErrorCodes, type TokenStatusResponse, type ValidateTokenResponse } from "@tollgate/contracts";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { TokenEventsPort } from "./token-events.port";
import { tokenStatus, type AccessToken } from "./access-token";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";

const HOUR_MS = 3_600_000;

function granted(token: AccessToken): ValidateTokenResponse {
  if (!token.activatedAt || !token.expiresAt) throw new Error(`token ${token.id} is not active`);
  return { token_id: token.id, user_id: token.userId, activated_at: token.activatedAt.toISOString(), expires_at: token.expiresAt.toISOString() };
}

function rejectUnlessActive(token: AccessToken | undefined): ValidateTokenResponse {
  if (!token) throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
  switch (tokenStatus(token, new Date())) {
    case "revoked":
    case "refunded":
      throw new TokenRejectedError(tokenErrorCodes.TOKEN_REVOKED);
    case "expired":
      throw new TokenRejectedError(tokenErrorCodes.TOKEN_EXPIRED);
    case "pending":
      throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
    case "active":
      return granted(token);
  }
}

export class ValidateTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly events: TokenEventsPort,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  /**
   * Grants access, activating the token on first use: the atomic UPDATE and the
   * `token.activated` outbox row commit together, so races yield one activation and one event.
   */
  async validate(value: string): Promise<ValidateTokenResponse> {
    if (!accessTokenValuePattern.test(value)) throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
    return this.validateHash(accessTokenHash(value));
  }

  /**
   * The same by the token's SHA-256 (hex): the proxy's app sessions keep the hash, never the
   * plaintext. Only service callers with `tokens:validate` reach this, as for `validate`.
   */
  async validateHash(tokenSha256: string): Promise<ValidateTokenResponse> {
    // Most validations are of tokens already in use: one read, no transaction.
    const existing = await this.tokens.findByHash(tokenSha256);
    if (!existing || existing.activatedAt || existing.revokedAt) return rejectUnlessActive(existing);
    // The activation time comes from this process's clock so that the row, the answer and the
    // event carry the same instant (Postgres keeps microseconds, a Date milliseconds).
    const activatedAt = new Date();
    const expiresAt = new Date(activatedAt.getTime() + existing.durationHours * HOUR_MS);
    const event = this.events.activated(existing, activatedAt, expiresAt);
    const activated = await this.tokens.activate(tokenSha256, { activatedAt, expiresAt, event });
    if (activated) {
      // One statement, committed: counted once, by the validation that won.
      this.activity.activated();
      return granted(activated);
    }
    // Another validation activated it (or it was revoked) since our read.
    return rejectUnlessActive(await this.tokens.findByHash(tokenSha256));
  }

  /** Read-only check: never activates; any known token answers with its status. */
  async status(value: string): Promise<TokenStatusResponse> {
    if (!accessTokenValuePattern.test(value)) throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
    const token = await this.tokens.findByHash(accessTokenHash(value));
    if (!token) throw new TokenRejectedError(tokenErrorCodes.TOKEN_INVALID);
    return {
      token_id: token.id,
      user_id: token.userId,
      status: tokenStatus(token, new Date()),
      activated_at: token.activatedAt?.toISOString() ?? null,
      expires_at: token.expiresAt?.toISOString() ?? null,
    };
  }
}
