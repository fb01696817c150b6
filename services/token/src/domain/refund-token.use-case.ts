import type { RefundTokenResponse } from "@tollgate/contracts";
import { ConflictError } from "@tollgate/service-kit";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { TokenRefundRepositoryPort } from "./token-refund.repository.port";
import type { TokenEventsPort } from "./token-events.port";
import { isRefundable, tokenStatus } from "./access-token";
import type { BillingGateway } from "./billing.port";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { TokenAlreadyRefundedError, TokenAlreadyUsedError, TokenNotFoundError, TokenNotRefundableError } from "./token-errors";

/**
 * An owner returns a token never used (see `isRefundable`): (1) one transaction marks it `refunded` (revoked with that
 * reason, so its `token.revoked` event clears every cache), records the refund request and writes
 * the event; (2) billing refunds the purchase in full (idempotent by purchase id). A crash between
 * the two leaves the request `requested`; the recovery sweep finishes it.
 */
export class RefundTokenUseCase {
  constructor(
    private readonly tokens: AccessTokenRepositoryPort,
    private readonly refunds: TokenRefundRepositoryPort,
    private readonly billing: BillingGateway,
    private readonly events: TokenEventsPort,
    private readonly activity: TokenActivity = untrackedTokenActivity,
  ) {}

  /**
   * Idempotent: refunding a refunded token again answers the same 200 (and asks billing again only
   * if the first refund did not finish). A token its owner or an admin revoked before its first
   * use is refundable too (it keeps its `revoked_at`; its `token.revoked` went out then). Errors:
   * 404 not the caller's token; 409 TOKEN_ALREADY_USED (activated: active or expired); 409
   * TOKEN_NOT_REFUNDABLE (revoked when its account was disabled); 409 TOKEN_ALREADY_REFUNDED (an
   * administrator refunded the whole price, before or while this ran); 409 CONFLICT for a token bought
   * before purchases were priced; 503 when billing cannot be reached (the token stays refunded;
   * the sweep or a retry finishes).
   */
  async execute(tokenId: string, userId: string): Promise<RefundTokenResponse> {
    const purchaseId = await this.tokens.transaction(async (tx) => {
      const token = await this.tokens.findById(tokenId, tx, { forUpdate: true });
      if (!token || token.userId !== userId) throw new TokenNotFoundError();
      if (!token.purchaseId) throw new ConflictError("this token was not bought through a priced purchase; there is nothing to refund");
      const status = tokenStatus(token, new Date());
      if (status === "refunded") {
        // Refunded by its owner: the same answer again. Without the owner's request, billing
        // refunded the whole price at an administrator's word: nothing is left to return.
        if (!(await this.refunds.findByToken(tokenId))) throw new TokenAlreadyRefundedError();
        return token.purchaseId;
      }
      if (token.activatedAt) throw new TokenAlreadyUsedError(status);
      if (!isRefundable(token)) throw new TokenNotRefundableError();
      // The row is held (FOR UPDATE), so what isRefundable saw is what markRefunded changes.
      const refunded = await this.tokens.markRefunded(tx, tokenId);
      if (!refunded) throw new TokenNotRefundableError();
      await this.refunds.insert(tx, { tokenId, purchaseId: token.purchaseId, userId });
      // Revoked before: every cache already dropped it when that revocation went out.
      if (!token.revokedAt) await this.events.revoked(tx, refunded);
      return token.purchaseId;
    });
    const done = await this.finish(tokenId, purchaseId);
    if (!done) throw new TokenAlreadyRefundedError();
    return { token_id: tokenId, purchase_id: purchaseId, status: "refunded", amount: done.amount, currency: done.currency };
  }

  /**
   * Step 2, also the sweep's: billing's refund, then the request marked completed with what came
   * back. Undefined when an administrator had refunded the whole price first (billing made no
   * refund for this request): the request is withdrawn, and the token stays `refunded`.
   */
  async finish(tokenId: string, purchaseId: string): Promise<{ amount: number; currency: string } | undefined> {
    const recorded = await this.refunds.findByToken(tokenId);
    if (recorded?.status === "completed" && recorded.amount !== null && recorded.currency !== null) return { amount: recorded.amount, currency: recorded.currency };
    const outcome = await this.billing.refund(purchaseId, "unused_token_returned");
    if (outcome.status === "refunded" && outcome.refundId === null) {
      await this.refunds.withdraw(tokenId);
      return undefined;
    }
    await this.refunds.complete(tokenId, { amount: outcome.amount, currency: outcome.currency });
    if (recorded?.status !== "completed") this.activity.refunded("unused_token_returned");
    return { amount: outcome.amount, currency: outcome.currency };
  }
}
