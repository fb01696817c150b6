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
