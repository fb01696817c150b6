/** What billing asks of the card processor: a hosted checkout page for one top-up. */
export interface PaymentProvider {
  /**
   * A Checkout Session charging `amount` (minor units of `currency`) for top-up `topUpId`; the
   * top-up id travels in the session's and its payment intent's metadata, so the webhooks can name
   * it. Idempotent by top-up id. Throws on any failure of the provider.
   */
  createCheckout(request: { topUpId: string; userId: string; amount: number; currency: string }): Promise<{ sessionId: string; url: string | null }>;
}
