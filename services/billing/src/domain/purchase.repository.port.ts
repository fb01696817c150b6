import type { RefundReasonCode } from "@tollgate/contracts";
import type { DurationHours } from "@tollgate/contracts";
import type { Purchase, PurchaseRefund } from "./purchase";
import type { Transaction } from "./transaction.port";

export interface NewDebit {
  purchaseId: string;
  userId: string;
  durationHours: DurationHours;
  amount: number;
  currency: string;
  priceId: string;
  balanceAfter: number;
  transactionId: string | null;
  debitedAt: Date;
}

export interface NewRefund {
  amount: number;
  reason: RefundReasonCode;
  /** An administrator's own words; null for the token service's refunds. */
  description: string | null;
  refundedBy: string | null;
  transactionId: string | null;
  balanceAfter: number;
}

/**
 * Purchases (debits and tombstones) and their refunds; data/purchase.repository.ts implements it.
 * Writers lock the purchase id first (`lock`).
 */
export interface PurchaseRepositoryPort {
  /** Serialises everything that touches one purchase id (debit, refund, admin refund), until the transaction ends. */
  lock(tx: Transaction, purchaseId: string): Promise<void>;
  find(purchaseId: string, tx?: Transaction): Promise<Purchase | undefined>;
  insertDebit(tx: Transaction, debit: NewDebit): Promise<Purchase>;
  /** A tombstone: no debit existed, and none may happen later for this id. */
  insertCancelled(tx: Transaction, purchaseId: string, currency: string): Promise<Purchase>;
  /** Records a refund and adds it to the purchase; the purchase becomes `refunded` once nothing is left. */
  addRefund(tx: Transaction, purchase: Purchase, refund: NewRefund): Promise<{ purchase: Purchase; refund: PurchaseRefund }>;
  refunds(purchaseId: string, tx?: Transaction): Promise<PurchaseRefund[]>;
  refund(id: string, tx?: Transaction): Promise<PurchaseRefund | undefined>;
}
