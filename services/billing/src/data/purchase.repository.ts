import type { DurationHours, RefundReasonCode } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { Purchase, PurchaseRefund } from "../domain/purchase";
import type { NewDebit, NewRefund, PurchaseRepositoryPort } from "../domain/purchase.repository.port";
import { toAmount, type Tx } from "./billing-rows";

interface PurchaseRow {
  purchase_id: string;
  user_id: string | null;
  duration_hours: number | null;
  status: Purchase["status"];
  amount: string;
  currency: string;
  price_id: string | null;
  balance_after: string | null;
  debited_at: Date | null;
  refunded_amount: string;
  final_refund_id: string | null;
}

interface RefundRow {
  id: string;
  purchase_id: string;
  amount: string;
  reason: RefundReasonCode;
  description: string | null;
  refunded_by: string | null;
  transaction_id: string | null;
  balance_after: string;
  created_at: Date;
}

const toPurchase = (row: PurchaseRow): Purchase => ({
  purchaseId: row.purchase_id,
  userId: row.user_id,
  durationHours: row.duration_hours as DurationHours | null,
  status: row.status,
  amount: toAmount(row.amount),
  currency: row.currency,
  priceId: row.price_id,
  balanceAfter: row.balance_after === null ? null : toAmount(row.balance_after),
  debitedAt: row.debited_at,
  refundedAmount: toAmount(row.refunded_amount),
  finalRefundId: row.final_refund_id,
});

const toRefund = (row: RefundRow): PurchaseRefund => ({
  id: row.id,
  purchaseId: row.purchase_id,
  amount: toAmount(row.amount),
  reason: row.reason,
  description: row.description,
  refundedBy: row.refunded_by,
  transactionId: row.transaction_id,
  balanceAfter: toAmount(row.balance_after),
  createdAt: row.created_at,
});

/** Purchases (debits and tombstones) and their refunds. Writers lock the purchase id first (`lock`). */
export class PurchaseRepository implements PurchaseRepositoryPort {
  constructor(private readonly knex: Knex) {}

  /** Serialises everything that touches one purchase id (debit, refund, admin refund), until the transaction ends. */
  async lock(tx: Tx, purchaseId: string): Promise<void> {
    await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`billing-purchase:${purchaseId}`]);
  }

  async find(purchaseId: string, db: Knex | Tx = this.knex): Promise<Purchase | undefined> {
    const row = await db("purchases").where({ purchase_id: purchaseId }).first<PurchaseRow | undefined>("*");
    return row ? toPurchase(row) : undefined;
  }

  async insertDebit(tx: Tx, debit: NewDebit): Promise<Purchase> {
    const [row] = await tx("purchases")
      .insert({
        purchase_id: debit.purchaseId,
        user_id: debit.userId,
        duration_hours: debit.durationHours,
        status: "debited",
        amount: debit.amount,
        currency: debit.currency,
        price_id: debit.priceId,
        balance_after: debit.balanceAfter,
        debit_transaction_id: debit.transactionId,
        debited_at: debit.debitedAt,
      })
      .returning<PurchaseRow[]>("*");
    return toPurchase(row as PurchaseRow);
  }

  /** A tombstone: no debit existed, and none may happen later for this id. */
  async insertCancelled(tx: Tx, purchaseId: string, currency: string): Promise<Purchase> {
    const [row] = await tx("purchases").insert({ purchase_id: purchaseId, status: "cancelled", currency }).returning<PurchaseRow[]>("*");
    return toPurchase(row as PurchaseRow);
  }

  /** Records a refund and adds it to the purchase; the purchase becomes `refunded` once nothing is left. */
  async addRefund(tx: Tx, purchase: Purchase, refund: NewRefund): Promise<{ purchase: Purchase; refund: PurchaseRefund }> {
    const [refundRow] = await tx("purchase_refunds")
      .insert({ purchase_id: purchase.purchaseId, amount: refund.amount, reason: refund.reason, description: refund.description, refunded_by: refund.refundedBy, transaction_id: refund.transactionId, balance_after: refund.balanceAfter })
      .returning<RefundRow[]>("*");
    const saved = toRefund(refundRow as RefundRow);
    const refundedAmount = purchase.refundedAmount + refund.amount;
    const complete = refundedAmount >= purchase.amount;
    const [row] = await tx("purchases")
      .where({ purchase_id: purchase.purchaseId })
      .update({ refunded_amount: refundedAmount, status: complete ? "refunded" : purchase.status, final_refund_id: complete ? saved.id : null, updated_at: tx.fn.now() })
      .returning<PurchaseRow[]>("*");
    return { purchase: toPurchase(row as PurchaseRow), refund: saved };
  }

  async refunds(purchaseId: string, db: Knex | Tx = this.knex): Promise<PurchaseRefund[]> {
    const rows = await db("purchase_refunds").where({ purchase_id: purchaseId }).orderBy("created_at").select<RefundRow[]>("*");
    return rows.map(toRefund);
  }

  async refund(id: string, db: Knex | Tx = this.knex): Promise<PurchaseRefund | undefined> {
    const row = await db("purchase_refunds").where({ id }).first<RefundRow | undefined>("*");
    return row ? toRefund(row) : undefined;
  }
}
