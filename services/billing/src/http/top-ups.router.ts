import { authenticatedUser, idempotencyKeyHeader, requireUser, type JwtVerifier, type RevocationCheck } from "@tollgate/service-kit";
import { Router } from "express";
import type { CheckoutTopUpUseCase } from "../domain/checkout-top-up.use-case";
import { sendIdempotent } from "./idempotent-answer";
import { parseTopUpRequest, type TopUpPolicy } from "./top-up-request";

/** Card top-ups through Stripe Checkout, mounted at /api/v1/billing. */
export function topUpsRouter(deps: { verifier: JwtVerifier; revocations?: RevocationCheck; checkout: CheckoutTopUpUseCase; policy: TopUpPolicy }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/billing/top-ups:
   *   post:
   *     operationId: createTopUp
   *     summary: Top up my wallet by card; answers the Checkout page to pay on
   *     description: "amount in minor units of the service's currency, from TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT (this document's TopUpRequest states this deployment's). The wallet is credited only when the payment provider's signed webhook says the payment succeeded, never on the browser's return. Idempotent with an Idempotency-Key, per user: a repeat answers the same top-up and checkout_url; when the provider did not answer (503) the key is given back, so a retry asks it again."
   *     tags: [billing]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, required: false, schema: { $ref: "#/components/schemas/IdempotencyKey" }, description: "Per caller: the same key and body within 24 h answer the first status and body again (Idempotent-Replayed: true) and move nothing more" }
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/TopUpRequest" } } }
   *     responses:
   *       201: { description: "The open top-up and its checkout_url", content: { application/json: { schema: { $ref: "#/components/schemas/TopUpResponse" } } } }
   *     x-errors:
   *       400: { BAD_REQUEST: "more than one Idempotency-Key header" }
   *       409: { IDEMPOTENCY_KEY_IN_USE: "a request with this Idempotency-Key is still in progress (Retry-After)" }
   *       422:
   *         VALIDATION_ERROR: "amount is not a whole number from TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT (one message; errors[0] carries minimum, maximum and currency), or the Idempotency-Key header is malformed"
   *         IDEMPOTENCY_KEY_REUSED: this key was used with a different body or route
   *       503: { PAYMENTS_NOT_CONFIGURED: "no STRIPE_SECRET_KEY on this deployment (in development use /api/v1/billing/dev/top-ups)", PAYMENT_PROVIDER_ERROR: the payment provider did not answer or refused }
   */
  router.post("/top-ups", requireUser({ verifier: deps.verifier, revocations: deps.revocations }), async (req, res) => {
    const key = idempotencyKeyHeader(req);
    const body = parseTopUpRequest(req.body, deps.policy);
    sendIdempotent(res, await deps.checkout.execute(authenticatedUser(res).sub, body.amount, key));
  });

  return router;
}
