import type { DurationHours, PurchaseDebitResponse, PurchaseStatusResponse, RefundReasonCode } from "@tollgate/contracts";

/** A purchase as billing knows it: a debit (`debited`, later `refunded`) or a tombstone (`cancelled`). */
export interface Purchase {
  purchaseId: string;
  userId: string | null;
  durationHours: DurationHours | null;
  status: "debited" | "refunded" | "cancelled";
  amount: number;
  currency: string;
  priceId: string | null;
  balanceAfter: number | null;
  debitedAt: Date | null;
  refundedAmount: number;
  finalRefundId: string | null;
}

export interface PurchaseRefund {
  id: string;
  purchaseId: string;
  amount: number;
  reason: RefundReasonCode;
  /** An administrator's own words for an `admin_refund`; null otherwise. */
  description: string | null;
  refundedBy: string | null;
  transactionId: string | null;
  balanceAfter: number;
  createdAt: Date;
}

/** The debit's answer, the same on every repeat: built only from the stored row. */
export function toDebitResponse(purchase: Purchase): PurchaseDebitResponse {
  if (purchase.status === "cancelled" || !purchase.userId || !purchase.priceId || !purchase.debitedAt || purchase.durationHours === null) {
    throw new Error(`purchase ${purchase.purchaseId} was never debited`);
  }
  return {
    purchase_id: purchase.purchaseId,
    user_id: purchase.userId,
    status: "debited",
    amount: purchase.amount,
    currency: purchase.currency,
    price_id: purchase.priceId,
    balance_after: purchase.balanceAfter ?? 0,
    debited_at: purchase.debitedAt.toISOString(),
  };
}

export const toStatusResponse = (purchase: Purchase): PurchaseStatusResponse => ({
  purchase_id: purchase.purchaseId,
  status: purchase.status,
  amount: purchase.amount,
  currency: purchase.currency,
  price_id: purchase.priceId,
});
