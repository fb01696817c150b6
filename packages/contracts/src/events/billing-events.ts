import { z } from "zod";

/**
 * Events of the billing service on `tollgate.billing-events`, keyed by user id. Amounts are
 * positive integers in the currency's minor unit; `balance_after` may be negative only after a
 * provider refund or dispute of money already spent.
 */

const walletMovement = {
  user_id: z.uuid(),
  /** The ledger transaction that moved the money. */
  transaction_id: z.uuid(),
  kind: z.enum(["top_up", "purchase", "refund", "adjustment", "provider_refund", "dispute"]),
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[a-z]{3}$/),
  balance_after: z.number().int(),
  reference: z.object({ type: z.enum(["top_up", "purchase", "refund", "adjustment"]), id: z.uuid() }),
  occurred_at: z.iso.datetime({ offset: true }),
};

export const walletCreditedV1Schema = z.object(walletMovement);
export type WalletCreditedV1 = z.infer<typeof walletCreditedV1Schema>;

export const walletDebitedV1Schema = z.object(walletMovement);
export type WalletDebitedV1 = z.infer<typeof walletDebitedV1Schema>;

export const purchaseRefundedV1Schema = z.object({
  purchase_id: z.uuid(),
  refund_id: z.uuid(),
  user_id: z.uuid(),
  amount: z.number().int().min(0),
  currency: z.string().regex(/^[a-z]{3}$/),
  /** A code: `purchase_failed`, `unused_token_returned` or `admin_refund` (events before the split may hold an administrator's words). */
  reason: z.string().min(1).max(500),
  /** An administrator's own words for an `admin_refund`; null otherwise. */
  description: z.string().max(500).nullable().optional(),
  /**
   * What is left unrefunded of the purchase after this refund (minor units). 0 means nothing of
   * the price is left: the token service makes the purchase's token unusable. Absent on older events.
   */
  remaining: z.number().int().min(0).optional(),
  /** The administrator who refunded, or null when the token service asked. */
  refunded_by: z.uuid().nullable(),
  refunded_at: z.iso.datetime({ offset: true }),
});
export type PurchaseRefundedV1 = z.infer<typeof purchaseRefundedV1Schema>;
