import type Stripe from "stripe";
import type { PaymentProvider } from "../domain/payment-provider.port";

/** Stripe Checkout as billing's payment provider (mode `payment`, one line for the top-up amount). */
export class StripeCheckout implements PaymentProvider {
  constructor(
    private readonly stripe: Stripe,
    private readonly urls: { successUrl: string; cancelUrl: string },
  ) {}

  async createCheckout(request: { topUpId: string; userId: string; amount: number; currency: string }): Promise<{ sessionId: string; url: string | null }> {
    const metadata = { top_up_id: request.topUpId, user_id: request.userId };
    const session = await this.stripe.checkout.sessions.create(
      {
        mode: "payment",
        client_reference_id: request.topUpId,
        line_items: [{ quantity: 1, price_data: { currency: request.currency, unit_amount: request.amount, product_data: { name: "Tollgate wallet top-up" } } }],
        metadata,
        payment_intent_data: { metadata },
        success_url: this.urls.successUrl,
        cancel_url: this.urls.cancelUrl,
      },
      // A retried request (timeout, lost answer) returns the same session instead of a second one.
      { idempotencyKey: `top-up-${request.topUpId}` },
    );
    return { sessionId: session.id, url: session.url };
  }
}
