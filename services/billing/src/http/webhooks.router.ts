import { billingErrorCodes, stripeWebhookEventSchema } from "@tollgate/contracts";
import { BadRequestError, parseOrThrow, type Logger } from "@tollgate/service-kit";
import express, { Router } from "express";
import Stripe from "stripe";
import type { BillingActivity } from "../domain/billing-activity.port";
import { PaymentsNotConfiguredError } from "../domain/billing-errors";
import type { StripeWebhookUseCase } from "../domain/stripe-webhook.use-case";

export interface WebhooksRouterDeps {
  webhook: StripeWebhookUseCase;
  /** STRIPE_WEBHOOK_SECRET; without it every delivery is a 503 (Stripe retries for days). */
  webhookSecret: string | undefined;
  activity: BillingActivity;
  logger: Logger;
}

/**
 * The payment provider's webhook. Mounted before the JSON body parser: the signature covers the
 * exact bytes received, so the body is read raw and parsed only by the verification.
 */
export function webhooksRouter(deps: WebhooksRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/billing/webhooks/stripe:
   *   post:
   *     operationId: stripeWebhook
   *     summary: Stripe's events (checkout.session.completed, payment_intent.succeeded, charge.refunded, charge.dispute.created)
   *     description: "The body is verified against the Stripe-Signature header with the endpoint's signing secret. Each event id is applied once however often it is delivered; a top-up is credited once whichever of its events arrives first."
   *     tags: [billing]
   *     security: []
   *     parameters: [{ name: Stripe-Signature, in: header, required: true, schema: { type: string } }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/StripeWebhookEvent" } } }
   *     responses:
   *       200: { description: Received (applied now or before), content: { application/json: { schema: { $ref: "#/components/schemas/WebhookAck" } } } }
   *     x-errors:
   *       400: { INVALID_SIGNATURE: "the Stripe-Signature header is missing or does not verify (wrong secret, altered body, too old)" }
   *       422: { VALIDATION_ERROR: "a verified event without id, type or data.object" }
   *       503: { PAYMENTS_NOT_CONFIGURED: no STRIPE_WEBHOOK_SECRET on this deployment }
   */
  router.post("/api/v1/billing/webhooks/stripe", express.raw({ type: () => true, limit: "512kb" }), async (req, res) => {
    if (!deps.webhookSecret) {
      deps.activity.webhookFailed("not_configured");
      throw new PaymentsNotConfiguredError("payment webhooks");
    }
    const signature = req.get("stripe-signature");
    const body: unknown = req.body;
    let verified: Stripe.Event;
    try {
      if (!signature || !Buffer.isBuffer(body)) throw new Error("no signature or no body");
      verified = Stripe.webhooks.constructEvent(body, signature, deps.webhookSecret);
    } catch (error) {
      deps.activity.webhookFailed("invalid_signature");
      deps.logger.warn("webhook refused: signature does not verify", { error: error instanceof Error ? error.message : String(error) });
      throw new BadRequestError("the Stripe-Signature header does not verify this body", billingErrorCodes.INVALID_SIGNATURE);
    }
    // Authentic is not the same as well-formed: the shape is checked like any other input (422).
    const event = parseOrThrow(stripeWebhookEventSchema, verified);
    try {
      await deps.webhook.handle({ id: event.id, type: event.type, data: { object: event.data.object } });
    } catch (error) {
      deps.activity.webhookFailed("processing_error");
      throw error;
    }
    res.json({ received: true });
  });

  return router;
}
