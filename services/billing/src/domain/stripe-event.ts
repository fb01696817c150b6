import { z } from "zod";

/**
 * The parts of Stripe's event objects that billing acts on, checked after the signature: a signed
 * event is authentic, yet its shape is still outside input (API versions change fields).
 */
const metadataSchema = z.record(z.string(), z.string()).nullish();
/** Expanded or not, a reference to another object is its id. */
const idOf = z.union([z.string(), z.object({ id: z.string() }).transform((object) => object.id)]).nullish();

export const checkoutSessionSchema = z.object({
  id: z.string(),
  client_reference_id: z.string().nullish(),
  metadata: metadataSchema,
  payment_intent: idOf,
  payment_status: z.string(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
});

export const paymentIntentSchema = z.object({ id: z.string(), metadata: metadataSchema, amount_received: z.number().int(), currency: z.string() });

/** `amount_refunded` is cumulative: everything refunded of the charge so far. */
export const chargeSchema = z.object({ id: z.string(), payment_intent: idOf, amount_refunded: z.number().int().min(0), currency: z.string() });

export const disputeSchema = z.object({ id: z.string(), payment_intent: idOf, amount: z.number().int().min(0), currency: z.string() });

/** A verified webhook event, as `stripe.webhooks.constructEvent` returns it. */
export interface StripeEvent {
  id: string;
  type: string;
  data: { object: unknown };
}

/** The top-up id billing put in the metadata (or client_reference_id) when it created the session. */
export function topUpIdOf(object: { client_reference_id?: string | null; metadata?: Record<string, string> | null }): string | undefined {
  const id = object.metadata?.top_up_id ?? object.client_reference_id ?? undefined;
  return id !== undefined && z.uuid().safeParse(id).success ? id : undefined;
}
