import { emptyQuerySchema, purchaseDebitRequestSchema, purchaseRefundRequestSchema } from "@tollgate/contracts";
import { parseOrThrow, requireServiceCaller, uuidPathParam, type JwtVerifier } from "@tollgate/service-kit";
import { Router } from "express";
import { PurchaseNotFoundError } from "../domain/billing-errors";
import type { DebitPurchaseUseCase } from "../domain/debit-purchase.use-case";
import type { ReadBillingUseCase } from "../domain/read-billing.use-case";
import type { RefundPurchaseUseCase } from "../domain/refund-purchase.use-case";

export const PURCHASES_SCOPE = "billing:purchases";

export interface InternalPurchasesRouterDeps {
  verifier: JwtVerifier;
  debit: DebitPurchaseUseCase;
  refund: RefundPurchaseUseCase;
  read: ReadBillingUseCase;
}

/** The token service's calls: debit, refund or cancel, and read a purchase (service token, scope billing:purchases). */
export function internalPurchasesRouter(deps: InternalPurchasesRouterDeps): Router {
  const router = Router();
  router.use(requireServiceCaller(deps.verifier, PURCHASES_SCOPE));

  /**
   * @openapi
   * /internal/v1/purchases/{purchase_id}/debit:
   *   post:
   *     operationId: debitPurchase
   *     summary: Debit the price of a purchase from the buyer's wallet (idempotent by purchase id)
   *     description: "For the token service: a service token with scope billing:purchases. 201 the first time; 200 with the identical body on any repeat, which moves nothing. A price of 0 debits 0 and needs no wallet. price_id names the price version charged. A request price_id is the price the buyer was shown: when the duration's current price is another version, 409 PRICE_CHANGED and nothing is debited."
   *     tags: [purchases]
   *     security: [{ serviceAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/PurchaseIdParams.purchase_id" }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseDebitRequest" } } }
   *     responses:
   *       201: { description: Debited now, content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseDebitResponse" } } } }
   *       200: { description: Debited before; the first answer again, content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseDebitResponse" } } } }
   *     x-errors:
   *       402: { INSUFFICIENT_FUNDS: the wallet cannot pay the price; nothing was debited }
   *       403: { FORBIDDEN: "a user's token, not a service's" }
   *       404: { NOT_FOUND: the purchase id is not a UUID }
   *       409:
   *         PURCHASE_CANCELLED: this purchase id was cancelled or refunded before
   *         PURCHASE_MISMATCH: "this purchase id was debited for another user, duration or price"
   *         PRICE_CHANGED: "the price_id sent is an earlier price of this duration, not its current one; nothing was debited"
   *       422:
   *         VALIDATION_ERROR: "the body is not { user_id, duration_hours, price_id? }"
   *         UNKNOWN_PRICE: "the price_id sent was never a price of this duration in this currency (another duration's, or none); nothing was debited"
   */
  router.post("/:purchase_id/debit", async (req, res) => {
    const id = uuidPathParam(req, "purchase_id");
    const body = parseOrThrow(purchaseDebitRequestSchema, req.body);
    const result = await deps.debit.execute(id, { userId: body.user_id, durationHours: body.duration_hours, priceId: body.price_id });
    res.status(result.created ? 201 : 200).json(result.body);
  });

  /**
   * @openapi
   * /internal/v1/purchases/{purchase_id}/refund:
   *   post:
   *     operationId: refundPurchase
   *     summary: Return a purchase's debit in full, or cancel a purchase that was never debited (idempotent)
   *     description: "With a debit: what is left of it goes back to the wallet, exactly once however often this is called (status refunded). Without one: a tombstone (status cancelled) makes any later debit for this id a 409 PURCHASE_CANCELLED."
   *     tags: [purchases]
   *     security: [{ serviceAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/PurchaseIdParams.purchase_id" }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseRefundRequest" } } }
   *     responses:
   *       200: { description: Refunded or cancelled, content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseRefundResponse" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: "a user's token, not a service's" }
   *       404: { NOT_FOUND: the purchase id is not a UUID }
   *       422: { VALIDATION_ERROR: reason is not purchase_failed or unused_token_returned }
   */
  router.post("/:purchase_id/refund", async (req, res) => {
    const id = uuidPathParam(req, "purchase_id");
    const body = parseOrThrow(purchaseRefundRequestSchema, req.body);
    res.json(await deps.refund.execute(id, body.reason));
  });

  /**
   * @openapi
   * /internal/v1/purchases/{purchase_id}:
   *   get:
   *     operationId: getPurchase
   *     summary: What billing knows of a purchase
   *     tags: [purchases]
   *     security: [{ serviceAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/PurchaseIdParams.purchase_id" }]
   *     responses:
   *       200: { description: The purchase, content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseStatusResponse" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: "a user's token, not a service's" }
   *       404: { PURCHASE_NOT_FOUND: "no debit or cancellation was ever recorded for this id (a malformed id too)" }
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none)" }
   */
  router.get("/:purchase_id", async (req, res) => {
    const id = uuidPathParam(req, "purchase_id", () => new PurchaseNotFoundError());
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.read.purchaseStatus(id));
  });

  return router;
}
