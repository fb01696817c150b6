import type { TokenItem } from "@tollgate/contracts";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import { toTokenItem, USER_DISABLED_REASON } from "./access-token";
import type { Requester } from "./read-tokens.use-case";
import { untrackedTokenActivity, type RevocationKind, type TokenActivity } from "./token-activity.port";
import { TokenNotFoundError } from "./token-errors";
import type { TokenEventsPort } from "./token-events.port";
import type { Transaction } from "./transaction.port";

export class RevokeTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly events: TokenEventsPort,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  /** Revoking twice is harmless: the second call returns the token and emits nothing. */
  async execute(id: string, requester: Requester, reason?: string): Promise<TokenItem> {
    let revokedAs: RevocationKind | undefined;
    const token = await this.tokens.transaction(async (tx) => {
      const existing = await this.tokens.findById(id, tx, { forUpdate: true });
      if (!existing || (existing.userId !== requester.userId && !requester.isAdmin)) throw new TokenNotFoundError();
      const kind = existing.userId === requester.userId ? "user_request" : "admin";
      const revoked = await this.tokens.revoke(tx, id, reason ?? kind);
      if (!revoked) return existing;
      await this.events.revoked(tx, revoked);
      revokedAs = kind;
      return revoked;
    });
    if (revokedAs) this.activity.revoked(revokedAs, 1);
    return toTokenItem(token, new Date());
  }

  /** A disabled user loses every pending and active token, each with its own event. */
  async revokeAllOfUser(tx: Transaction, userId: string, correlationId?: string): Promise<number> {
    const revoked = await this.tokens.revokeAllLive(tx, userId, USER_DISABLED_REASON);
    for (const token of revoked) await this.events.revoked(tx, token, correlationId);
    // The caller's transaction (the consumer's applyOnce) decides whether this happened.
    if (revoked.length > 0) this.tokens.afterCommit(tx, () => this.activity.revoked("user_disabled", revoked.length));
    return revoked.length;
  }
}
