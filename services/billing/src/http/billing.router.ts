import { emptyQuerySchema, walletTransactionsQuerySchema } from "@tollgate/contracts";
import { authenticatedUser, idempotencyKeyHeader, parseOrThrow, requireUser, uuidPathParam, type JwtVerifier, type RevocationCheck } from "@tollgate/service-kit";
import { Router } from "express";
import { PurchaseNotFoundError } from "../domain/billing-errors";
import type { DevelopmentTopUpUseCase } from "../domain/development-top-up.use-case";
import type { ReadBillingUseCase } from "../domain/read-billing.use-case";
import { sendIdempotent } from "./idempotent-answer";
import { parseTopUpRequest, type TopUpPolicy } from "./top-up-request";

export interface BillingRouterDeps {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  read: ReadBillingUseCase;
  topUpPolicy: TopUpPolicy;
  /** Absent when NODE_ENV=production: the route then answers 404 like any unknown one. */
  developmentTopUp?: DevelopmentTopUpUseCase;
}

/** The user's side of billing, mounted at /api/v1/billing: prices, wallet, transactions, receipts, development top-ups. */
export function billingRouter(deps: BillingRouterDeps): Router {
  const router = Router();
  const user = requireUser({ verifier: deps.verifier, revocations: deps.revocations });

  /**
   * @openapi
   * /api/v1/billing/prices:
   *   get:
   *     operationId: listPrices
   *     summary: What each duration costs now (no login needed)
   *     description: "unit_amount in the currency's minor unit (cents for usd); price_id names the price version a purchase now would be charged."
   *     tags: [billing]
   *     security: []
   *     responses:
   *       200: { description: The current price list, content: { application/json: { schema: { $ref: "#/components/schemas/PriceList" } } } }
   *     x-errors:
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none)" }
   */
  router.get("/prices", async (req, res) => {
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.read.priceList());
  });

  /**
   * @openapi
   * /api/v1/billing/wallet:
   *   get:
   *     operationId: getWallet
   *     summary: My balance
   *     description: "A zero balance (updated_at null) when the wallet was never used."
   *     tags: [billing]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The wallet, content: { application/json: { schema: { $ref: "#/components/schemas/Wallet" } } } }
   *     x-errors:
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none: ?currency=eur is refused, the wallet is in the service's one currency)" }
   */
  router.get("/wallet", user, async (req, res) => {
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.read.wallet(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/billing/transactions:
   *   get:
   *     operationId: listWalletTransactions
   *     summary: My wallet's movements, newest first, a page at a time
   *     description: "amount is signed: positive credits the wallet, negative debits it. Pass next_cursor back as cursor until it is null."
   *     tags: [billing]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/WalletTransactionsQuery.limit"
   *       - $ref: "#/components/parameters/WalletTransactionsQuery.cursor"
   *     responses:
   *       200: { description: One page of movements, content: { application/json: { schema: { $ref: "#/components/schemas/WalletTransactionPage" } } } }
   *     x-errors:
   *       422: { VALIDATION_ERROR: "limit is not 1 to 100, the cursor is not one this list gave out, or a parameter is unknown" }
   */
  router.get("/transactions", user, async (req, res) => {
    const query = parseOrThrow(walletTransactionsQuerySchema, req.query, "query");
    res.json(await deps.read.transactions(authenticatedUser(res).sub, query));
  });

  /**
   * @openapi
   * /api/v1/billing/receipts/{purchase_id}:
   *   get:
   *     operationId: getReceipt
   *     summary: The receipt of one of my purchases, with its refunds
   *     tags: [billing]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/PurchaseIdParams.purchase_id" }]
   *     responses:
   *       200: { description: The receipt, content: { application/json: { schema: { $ref: "#/components/schemas/Receipt" } } } }
   *     x-errors:
   *       404: { PURCHASE_NOT_FOUND: "no such purchase, or not yours (a malformed id too)" }
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none)" }
   */
  router.get("/receipts/:purchase_id", user, async (req, res) => {
    // A malformed id cannot name a purchase: 404, like someone else's.
    const id = uuidPathParam(req, "purchase_id", () => new PurchaseNotFoundError());
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.read.receipt(id, authenticatedUser(res).sub));
  });

  const developmentTopUp = deps.developmentTopUp;
  if (developmentTopUp) {
    /**
     * @openapi
     * /api/v1/billing/dev/top-ups:
     *   post:
     *     operationId: developmentTopUp
     *     summary: Credit my wallet at once (development only)
     *     description: "For walkthroughs without a card processor. amount in minor units from TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT, as a card top-up (this document's TopUpRequest states this deployment's). Idempotent with an Idempotency-Key, per user. The route does not exist when NODE_ENV=production (404)."
     *     tags: [billing]
     *     security: [{ bearerAuth: [] }]
     *     parameters:
     *       - { name: Idempotency-Key, in: header, required: false, schema: { $ref: "#/components/schemas/IdempotencyKey" }, description: "Per caller: the same key and body within 24 h answer the first status and body again (Idempotent-Replayed: true) and move nothing more" }
     *     requestBody:
     *       required: true
     *       content: { application/json: { schema: { $ref: "#/components/schemas/TopUpRequest" } } }
     *     responses:
     *       201: { description: Credited, content: { application/json: { schema: { $ref: "#/components/schemas/TopUpResponse" } } } }
     *     x-errors:
     *       400: { BAD_REQUEST: "more than one Idempotency-Key header" }
     *       404: { NOT_FOUND: NODE_ENV is production }
     *       409: { IDEMPOTENCY_KEY_IN_USE: "a request with this Idempotency-Key is still in progress (Retry-After)" }
     *       422:
     *         VALIDATION_ERROR: "amount is not a whole number from TOP_UP_MIN_AMOUNT to TOP_UP_MAX_AMOUNT (one message; errors[0] carries minimum, maximum and currency), or the Idempotency-Key header is malformed"
     *         IDEMPOTENCY_KEY_REUSED: this key was used with a different body or route
     */
    router.post("/dev/top-ups", user, async (req, res) => {
      const key = idempotencyKeyHeader(req);
      const body = parseTopUpRequest(req.body, deps.topUpPolicy);
      sendIdempotent(res, await developmentTopUp.execute(authenticatedUser(res).sub, body.amount, key));
    });
  }

  return router;
}
