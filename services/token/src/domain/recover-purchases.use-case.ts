import type { Logger } from "@tollgate/service-kit";
import type { AccessTokenRepositoryPort } from "./access-token.repository.port";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";
import type { TokenRefundRepositoryPort } from "./token-refund.repository.port";
import type { BillingGateway } from "./billing.port";
import type { RefundTokenUseCase } from "./refund-token.use-case";
import { untrackedTokenActivity, type TokenActivity } from "./token-activity.port";
import { PurchaseCancelledError } from "./token-errors";

const BATCH = 20;

export interface RecoverPurchasesDeps {
  tokens: AccessTokenRepositoryPort;
  purchases: PurchaseRepositoryPort;
  refunds: TokenRefundRepositoryPort;
  refundToken: RefundTokenUseCase;
  billing: BillingGateway;
  logger: Logger;
  /** PURCHASE_RECOVERY_AFTER_SECONDS: how long a purchase may stay pending before it is given up. */
  recoverAfterSeconds: number;
  activity?: TokenActivity;
}

/** What one sweep did: purchases given up, unused-token refunds finished, replay answers forgotten. */
export interface SweepResult {
  purchasesCancelled: number;
  refundsFinished: number;
  responsesForgotten: number;
}

/**
 * The recovery sweep. A purchase pending longer than `recoverAfterSeconds` lost its request (a
 * crash, billing down): billing refunds its debit or, if none exists, records it cancelled so a
 * late debit is refused; then it is marked failed, and its key replays 409 PURCHASE_CANCELLED. Each
 * purchase is handled in its own transaction holding its row (`FOR UPDATE SKIP LOCKED`), so
 * instances sweeping at once never handle the same one and a mint in flight waits for the verdict.
 */
export class RecoverPurchasesUseCase {
  private readonly activity: TokenActivity;

  constructor(private readonly deps: RecoverPurchasesDeps) {
    this.activity = deps.activity ?? untrackedTokenActivity;
  }

  async sweepOnce(): Promise<SweepResult> {
    let purchasesCancelled = 0;
    while (purchasesCancelled < BATCH && (await this.cancelOneStale())) purchasesCancelled++;
    let refundsFinished = 0;
    for (const refund of await this.deps.refunds.listUnfinished(this.deps.recoverAfterSeconds, BATCH)) {
      await this.deps.refundToken.finish(refund.tokenId, refund.purchaseId);
      refundsFinished++;
    }
    const responsesForgotten = await this.deps.purchases.forgetExpiredResponses();
    return { purchasesCancelled, refundsFinished, responsesForgotten };
  }

  /** False when no stale purchase is left that no one else holds. Billing unreachable: throws, the row stays pending for the next sweep. */
  private async cancelOneStale(): Promise<boolean> {
    const { tokens, purchases, billing, logger } = this.deps;
    return tokens.transaction(async (tx) => {
      const [stale] = await purchases.lockStalePending(tx, this.deps.recoverAfterSeconds, 1);
      if (!stale) return false;
      const outcome = await billing.refund(stale.id, "purchase_failed");
      const cancelled = new PurchaseCancelledError();
      await purchases.fail(stale.id, { statusCode: cancelled.statusCode, errorCode: cancelled.errorCode, detail: cancelled.detail }, tx);
      tokens.afterCommit(tx, () => {
        if (outcome.status === "refunded") this.activity.refunded("purchase_failed");
        this.activity.purchaseOutcome("cancelled");
      });
      logger.warn("stale purchase given up", { purchase_id: stale.id, user_id: stale.userId, billing_status: outcome.status, amount: outcome.amount, currency: outcome.currency });
      return true;
    });
  }
}
