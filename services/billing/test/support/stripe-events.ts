import { randomBytes } from "node:crypto";

/** Stripe-like ids (`evt_…`, `pi_…`), unique per call. */
export const stripeId = (prefix: string): string => `${prefix}_${randomBytes(12).toString("hex")}`;

/** The events Stripe sends for one Checkout top-up, shaped as Stripe shapes them (the fields billing reads, and a few more). */
export function topUpEvents(topUp: { id: string; userId: string; amount: number; currency: string }) {
  const paymentIntent = stripeId("pi");
  const session = stripeId("cs_test");
  const metadata = { top_up_id: topUp.id, user_id: topUp.userId };
  return {
    paymentIntent,
    sessionCompleted: (id = stripeId("evt")) => ({
      id,
      type: "checkout.session.completed",
      object: { id: session, object: "checkout.session", client_reference_id: topUp.id, metadata, payment_intent: paymentIntent, payment_status: "paid", status: "complete", amount_total: topUp.amount, currency: topUp.currency },
    }),
    paymentSucceeded: (id = stripeId("evt"), amount = topUp.amount) => ({
      id,
      type: "payment_intent.succeeded",
      object: { id: paymentIntent, object: "payment_intent", metadata, amount: topUp.amount, amount_received: amount, currency: topUp.currency, status: "succeeded" },
    }),
    /** `amountRefunded` is cumulative, as on Stripe's charge object. */
    chargeRefunded: (amountRefunded: number, id = stripeId("evt")) => ({
      id,
      type: "charge.refunded",
      object: { id: stripeId("ch"), object: "charge", payment_intent: paymentIntent, amount: topUp.amount, amount_refunded: amountRefunded, currency: topUp.currency, refunded: amountRefunded === topUp.amount },
    }),
    disputeCreated: (amount: number, id = stripeId("evt")) => ({
      id,
      type: "charge.dispute.created",
      object: { id: stripeId("dp"), object: "dispute", charge: stripeId("ch"), payment_intent: paymentIntent, amount, currency: topUp.currency, reason: "fraudulent", status: "needs_response" },
    }),
  };
}
