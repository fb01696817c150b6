import type { PurchaseRefundResponse, PurchaseRefundRequest, RefundReasonCode } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { untrackedBillingActivity, type BillingActivity } from "./billing-activity.port";
import type { BillingEventsPort } from "./billing-events.port";
import { accounts } from "./ledger";
import type { LedgerRepositoryPort } from "./ledger.repository.port";
import type { MoneyMover } from "./money-mover";
import type { Purchase, PurchaseRefund } from "./purchase";
import type { PurchaseRepositoryPort } from "./purchase.repository.port";
import type { Transaction } from "./transaction.port";
import type { BillingUnitOfWork } from "./unit-of-work.port";

/**
 * The token service returns a purchase: the debit it no longer stands behind (the token was never
 * issued, or its owner returned it unused). With a debit, what is left of it is returned in full,
 * once however often this is called; without one, a tombstone makes any later debit for the id a
 * 409 PURCHASE_CANCELLED, so a debit that arrives after the token service gave up never takes money.
 */
export class RefundPurchaseUseCase {
  constructor(
    private readonly unitOfWork: BillingUnitOfWork,
    private readonly purchases: PurchaseRepositoryPort,
    private readonly ledger: LedgerRepositoryPort,
    private readonly money: MoneyMover,
    private readonly events: BillingEventsPort,
    private readonly currency: string,
    private readonly logger: Logger,
    private readonly activity: BillingActivity = untrackedBillingActivity,
  ) {}

  async execute(purchaseId: string, reason: PurchaseRefundRequest["reason"]): Promise<PurchaseRefundResponse> {
    return this.unitOfWork.transaction(async (tx) => {
      await this.purchases.lock(tx, purchaseId);
      const purchase = await this.purchases.find(purchaseId, tx);
      if (!purchase) return cancelled(await this.purchases.insertCancelled(tx, purchaseId, this.currency));
      if (purchase.status === "cancelled") return cancelled(purchase);
      if (purchase.status === "refunded") return refunded(purchase, await this.purchases.refund(purchase.finalRefundId ?? "", tx));
      const { purchase: after, refund } = await this.refund(tx, purchase, { amount: purchase.amount - purchase.refundedAmount, reason, description: null, refundedBy: null });
      this.unitOfWork.afterCommit(tx, () => {
        this.activity.refunded(reason);
        this.logger.info("purchase refunded for the token service", { purchase_id: purchaseId, user_id: purchase.userId, refund_id: refund.id, amount: refund.amount, currency: purchase.currency, reason });
      });
      return refunded(after, refund);
    });
  }

  /**
   * Returns `amount` (≤ what is left) of a debited purchase to its wallet, in the caller's
   * transaction under the purchase's lock: the ledger movement, the refund row, `wallet.credited`
   * and `purchase.refunded`. An amount of 0 (a free purchase) records the refund and moves nothing.
   */
  async refund(tx: Transaction, purchase: Purchase, request: { amount: number; reason: RefundReasonCode; description: string | null; refundedBy: string | null }): Promise<{ purchase: Purchase; refund: PurchaseRefund }> {
    const userId = purchase.userId as string;
    const posted =
      request.amount > 0
        ? await this.money.move(tx, {
            kind: "refund",
            userId,
            currency: purchase.currency,
            amount: request.amount,
            counterAccount: accounts.revenue(purchase.currency),
            reference: { type: "purchase", id: purchase.purchaseId },
            description: request.description !== null ? `refund by an administrator: ${request.description}` : `refund: ${request.reason.replace(/_/g, " ")}`,
            funds: "may_go_negative",
          })
        : undefined;
    const balanceAfter = posted?.balanceAfter ?? (await this.ledger.wallet(userId, purchase.currency, tx))?.balance ?? 0;
    const result = await this.purchases.addRefund(tx, purchase, { ...request, transactionId: posted?.transactionId ?? null, balanceAfter });
    await this.events.purchaseRefunded(tx, userId, purchase.currency, result.refund, result.purchase.amount - result.purchase.refundedAmount);
    return result;
  }
}

const cancelled = (purchase: Purchase): PurchaseRefundResponse => ({
  purchase_id: purchase.purchaseId,
  status: "cancelled",
  amount: 0,
  currency: purchase.currency,
  refund_id: null,
  balance_after: null,
});

/**
 * The answer names the refund this request made, as a payment provider's refund object does: the
 * final refund when the service asked for it (`refundedBy` null), so a repeat answers the same;
 * nothing (0, no id) when an admin had already returned it all. A purchase partly refunded by an
 * admin first (50 of 200) answers 150 — what reached the wallet now, not the purchase's total.
 */
const refunded = (purchase: Purchase, finalRefund: PurchaseRefund | undefined): PurchaseRefundResponse => {
  const ours = finalRefund && finalRefund.refundedBy === null ? finalRefund : undefined;
  return {
    purchase_id: purchase.purchaseId,
    status: "refunded",
    amount: ours?.amount ?? 0,
    currency: purchase.currency,
    refund_id: ours?.id ?? null,
    balance_after: ours?.balanceAfter ?? null,
  };
};
