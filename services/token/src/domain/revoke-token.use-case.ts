import type { TokenItem } from "@tollgate/contracts";
import type { AccessTokenRepository, Tx } from "../data/access-token.repository";
import type { TokenEventsPublisher } from "../messaging/token-events.publisher";
import { toTokenItem } from "./access-token";
import type { Requester } from "./read-tokens.use-case";
import { TokenNotFoundError } from "./token-errors";

export class RevokeTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepository,
    private readonly events: TokenEventsPublisher,
  ) {}

  /** Revoking twice is harmless: the second call returns the token and emits nothing. */
  async execute(id: string, requester: Requester, reason?: string): Promise<TokenItem> {
    const token = await this.tokens.transaction(async (tx) => {
      const existing = await this.tokens.findById(id, tx, { forUpdate: true });
      if (!existing || (existing.userId !== requester.userId && !requester.isAdmin)) throw new TokenNotFoundError();
      const revoked = await this.tokens.revoke(tx, id, reason ?? (existing.userId === requester.userId ? "user_request" : "admin"));
      if (!revoked) return existing;
      await this.events.revoked(tx, revoked);
      return revoked;
    });
    return toTokenItem(token, new Date());
  }

  /** A disabled user loses every pending and active token, each with its own event. */
  async revokeAllOfUser(tx: Tx, userId: string, correlationId?: string): Promise<number> {
    const revoked = await this.tokens.revokeAllLive(tx, userId, "user_disabled");
    for (const token of revoked) await this.events.revoked(tx, token, correlationId);
    return revoked.length;
  }
}
