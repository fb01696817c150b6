import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import type { TokenEventsPort } from "./token-events.port";
import type { Transaction } from "./transaction.port";

/**
 * Billing refunded the whole price of a purchase (`purchase.refunded` with `remaining` 0): its
 * token must not stay usable. An administrator's full refund of a used token left it proxying, and
 * one of an unused token left it pending for its owner to "refund" again for 0 (issue #19). The
 * token becomes `refunded` (revoked with that reason) and, unless it was revoked already, its
 * `token.revoked` goes out so every proxy drops it. A partial refund leaves the token alone.
 */
export class RevokeRefundedPurchaseUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly events: TokenEventsPort,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  /** In the caller's transaction (the consumer's applyOnce). True when a token changed. */
  async execute(tx: Transaction, purchaseId: string, correlationId?: string): Promise<boolean> {
    const changed = await this.tokens.markPurchaseRefunded(tx, purchaseId);
    if (!changed) return false;
    if (!changed.before.revokedAt) {
      await this.events.revoked(tx, changed.after, correlationId);
      this.tokens.afterCommit(tx, () => this.activity.revoked("refunded", 1));
    }
    return true;
  }
}
