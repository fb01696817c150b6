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
}

export type RefundReason = "purchase_failed" | "unused_token_returned";

/**
 * The billing service as the purchase use cases need it. Both calls are idempotent by purchase
 * id, so a repeat after a lost answer is safe. Errors: `InsufficientFundsError` (402),
 * `PurchaseCancelledError` (409, the id was refunded or cancelled before), any other `AppError`
 * billing answered with, or `DependencyUnavailableError` (503) when billing cannot be reached.
 */
export interface BillingGateway {
  debit(purchaseId: string, userId: string, durationHours: DurationHours): Promise<Debit>;
  refund(purchaseId: string, reason: RefundReason): Promise<RefundOutcome>;
}
