import type { DurationHours } from "@tollgate/contracts";

/** What billing charged for a purchase: `amount` in minor units of `currency`, at price version `priceId`. */
export interface Debit {
  amount: number;
  currency: string;
  priceId: string;
}

/** A purchase's money after a refund: `refunded` (a debit existed, returned in full) or `cancelled` (none existed; a later debit is refused). */
export interface RefundOutcome {
  status: "refunded" | "cancelled";
  amount: number;
  currency: string;
  /** The refund this request made; null when cancelled, or when an administrator had already refunded the whole price. */
  refundId: string | null;
}

export type RefundReason = "purchase_failed" | "unused_token_returned";

/**
 * The billing service as the purchase use cases need it. Both calls are idempotent by purchase
 * id, so a repeat after a lost answer is safe. Errors: `InsufficientFundsError` (402),
 * `PurchaseCancelledError` (409, the id was refunded or cancelled before), any other `AppError`
 * billing answered with, or `DependencyUnavailableError` (503) when billing cannot be reached.
 */
export interface BillingGateway {
  /** `priceId`: the price the buyer was shown; another current price is a 409 PRICE_CHANGED (an `AppError`) and nothing is debited. */
  debit(purchaseId: string, userId: string, durationHours: DurationHours, priceId?: string): Promise<Debit>;
  refund(purchaseId: string, reason: RefundReason): Promise<RefundOutcome>;
}
