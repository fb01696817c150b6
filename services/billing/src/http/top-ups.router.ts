import { topUpRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow, requireUser, type JwtVerifier, type RevocationCheck } from "@tollgate/service-kit";
import { Router } from "express";
import type { CheckoutTopUpUseCase } from "../domain/checkout-top-up.use-case";

/** Card top-ups through Stripe Checkout, mounted at /api/v1/billing. */
export function topUpsRouter(deps: { verifier: JwtVerifier; revocations?: RevocationCheck; checkout: CheckoutTopUpUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/billing/top-ups:
   *   post:
   *     operationId: createTopUp
   *     summary: Top up my wallet by card; answers the Checkout page to pay on
   *     description: "amount in minor units of the service's currency, from TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT. The wallet is credited only when the payment provider's signed webhook says the payment succeeded, never on the browser's return."
   *     tags: [billing]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/TopUpRequest" } } }
   *     responses:
   *       201: { description: "The open top-up and its checkout_url", content: { application/json: { schema: { $ref: "#/components/schemas/TopUpResponse" } } } }
   *     x-errors:
   *       422: { VALIDATION_ERROR: "amount is not an integer within the allowed range" }
   *       503: { PAYMENTS_NOT_CONFIGURED: "no STRIPE_SECRET_KEY on this deployment (in development use /api/v1/billing/dev/top-ups)", PAYMENT_PROVIDER_ERROR: the payment provider did not answer or refused }
   */
  router.post("/top-ups", requireUser({ verifier: deps.verifier, revocations: deps.revocations }), async (req, res) => {
    const body = parseOrThrow(topUpRequestSchema, req.body);
    res.status(201).json(await deps.checkout.execute(authenticatedUser(res).sub, body.amount));
  });

  return router;
}
