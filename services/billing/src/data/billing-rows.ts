import type { Knex } from "knex";

export type Tx = Knex.Transaction;

/** Postgres `bigint` arrives as a string; every amount in this service fits a JavaScript number (≤ 2^53). */
export const toAmount = (value: string | number | null): number => Number(value ?? 0);

/** Serialises everything that touches one purchase id (debit, refund, admin refund), until the transaction ends. */
export async function lockPurchase(tx: Tx, purchaseId: string): Promise<void> {
  await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`billing-purchase:${purchaseId}`]);
}
