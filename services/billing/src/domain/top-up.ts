import { topUpAmountMessage, type TopUpAmountIssue, type TopUpBounds } from "@tollgate/contracts";
import { ValidationError } from "@tollgate/service-kit";

export type { TopUpBounds } from "@tollgate/contracts";

/** A top-up of a wallet: through Stripe Checkout (credited by its webhook) or, in development, at once. */
export interface TopUp {
  id: string;
  userId: string;
  amount: number;
  currency: string;
  provider: "stripe" | "development";
  status: "open" | "succeeded";
  checkoutSessionId: string | null;
  checkoutUrl: string | null;
  paymentIntentId: string | null;
  creditedAt: Date | null;
  /** How much of the provider's reported refunds and disputes has been debited for this top-up. */
  refundedAmount: number;
  disputedAmount: number;
}

/**
 * The one 422 every top-up amount outside TOP_UP_MIN_AMOUNT..TOP_UP_MAX_AMOUNT gets (0, -500, 99,
 * 1e300, 1.5 alike): one message naming the bounds, and the bounds and currency as fields of the
 * `errors[]` item, so a client can say them as money (`$1.00 to $1,000.00`), not minor units.
 */
export function topUpAmountOutOfRange(bounds: TopUpBounds, currency: string): ValidationError {
  const message = topUpAmountMessage(bounds, currency);
  const issue: TopUpAmountIssue = { path: "amount", message, minimum: bounds.minAmount, maximum: bounds.maxAmount, currency };
  return new ValidationError(`invalid request body: amount: ${message}`, [issue]);
}

/**
 * Errors: 422 outside the bounds. Card and development top-ups share it: the development route
 * once took up to 10,000,000 a call (40 parallel calls made $4,000,000 in a second, issue #19).
 */
export function assertTopUpAmountInBounds(amount: number, bounds: TopUpBounds, currency: string): void {
  if (Number.isSafeInteger(amount) && amount >= bounds.minAmount && amount <= bounds.maxAmount) return;
  throw topUpAmountOutOfRange(bounds, currency);
}
