import { ValidationError } from "@tollgate/service-kit";

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

/** TOP_UP_MIN_AMOUNT / TOP_UP_MAX_AMOUNT: the range of any one top-up, card or development, minor units. */
export interface TopUpBounds {
  minAmount: number;
  maxAmount: number;
}

/**
 * Errors: 422 outside the bounds. Card and development top-ups share it: the development route
 * once took up to 10,000,000 a call (40 parallel calls made $4,000,000 in a second, issue #19).
 */
export function assertTopUpAmountInBounds(amount: number, { minAmount, maxAmount }: TopUpBounds): void {
  if (amount >= minAmount && amount <= maxAmount) return;
  const message = `must be from ${minAmount} to ${maxAmount} (minor units; TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT)`;
  throw new ValidationError(`invalid request body: amount: ${message}`, [{ path: "amount", message }]);
}
