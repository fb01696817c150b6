import { adjustmentRequestSchema, adminRefundRequestSchema, emptyQuerySchema, setPricesRequestSchema, walletTransactionsQuerySchema } from "@tollgate/contracts";
import { authenticatedUser, idempotencyKeyHeader, parseOrThrow, requireUser, uuidPathParam, type JwtVerifier, type RevocationCheck } from "@tollgate/service-kit";
import { Router, type Response } from "express";
import type { AdminBillingUseCase, AdminCaller } from "../domain/admin-billing.use-case";
import type { ReadBillingUseCase } from "../domain/read-billing.use-case";
import { sendIdempotent } from "./idempotent-answer";

export interface AdminBillingRouterDeps {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  admin: AdminBillingUseCase;
  read: ReadBillingUseCase;
}

const caller = (res: Response): AdminCaller => ({ userId: authenticatedUser(res).sub });

/** The billing part of the administration API (role `admin`), routed by the gateway ahead of the auth service's `/api/v1/admin/`. */
export function adminBillingRouter(deps: AdminBillingRouterDeps): Router {
  const router = Router();
  router.use(requireUser({ verifier: deps.verifier, revocations: deps.revocations, role: "admin" }));

  /**
   * @openapi
   * /api/v1/admin/billing/wallets/{user_id}:
   *   get:
   *     operationId: adminGetWallet
   *     summary: Any user's wallet
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UserIdParams.user_id" }]
   *     responses:
   *       200: { description: The wallet (zero when never used), content: { application/json: { schema: { $ref: "#/components/schemas/AdminWallet" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { NOT_FOUND: the user id is not a UUID }
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none)" }
   */
  router.get("/wallets/:user_id", async (req, res) => {
    const id = uuidPathParam(req, "user_id");
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.admin.wallet(id));
  });

  /**
   * @openapi
   * /api/v1/admin/billing/wallets/{user_id}/transactions:
   *   get:
   *     operationId: adminListWalletTransactions
   *     summary: Any user's wallet movements, newest first, a page at a time
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/UserIdParams.user_id"
   *       - $ref: "#/components/parameters/WalletTransactionsQuery.limit"
   *       - $ref: "#/components/parameters/WalletTransactionsQuery.cursor"
   *     responses:
   *       200: { description: One page of movements, content: { application/json: { schema: { $ref: "#/components/schemas/WalletTransactionPage" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { NOT_FOUND: the user id is not a UUID }
   *       422: { VALIDATION_ERROR: "limit is not 1 to 100, the cursor is not one this list gave out, or a parameter is unknown" }
   */
  router.get("/wallets/:user_id/transactions", async (req, res) => {
    const id = uuidPathParam(req, "user_id");
    const query = parseOrThrow(walletTransactionsQuerySchema, req.query, "query");
    res.json(await deps.read.transactions(id, query));
  });

  /**
   * @openapi
   * /api/v1/admin/billing/adjustments:
   *   post:
   *     operationId: adminAdjustWallet
   *     summary: Credit or debit a wallet, with a reason
   *     description: "amount is signed and non-zero (minor units); a debit never takes the wallet below zero. Logged with the administrator's id. The answer's id is the adjustment's (its transaction's reference.id in the transactions lists); transaction_id is that transaction's id. Idempotent with an Idempotency-Key, per administrator."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, required: false, schema: { $ref: "#/components/schemas/IdempotencyKey" }, description: "Per caller: the same key and body within 24 h answer the first status and body again (Idempotent-Replayed: true) and move nothing more" }
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/AdjustmentRequest" } } }
   *     responses:
   *       201: { description: The adjustment, content: { application/json: { schema: { $ref: "#/components/schemas/AdjustmentResponse" } } } }
   *     x-errors:
   *       400: { BAD_REQUEST: "more than one Idempotency-Key header" }
   *       402: { INSUFFICIENT_FUNDS: the debit is larger than the balance }
   *       403: { FORBIDDEN: the caller is not an admin }
   *       409: { IDEMPOTENCY_KEY_IN_USE: "a request with this Idempotency-Key is still in progress (Retry-After)" }
   *       422:
   *         VALIDATION_ERROR: "amount is zero or not an integer, the reason is missing or shorter than 3 characters, or the Idempotency-Key header is malformed"
   *         IDEMPOTENCY_KEY_REUSED: this key was used with a different body or route
   */
  router.post("/adjustments", async (req, res) => {
    const key = idempotencyKeyHeader(req);
    const body = parseOrThrow(adjustmentRequestSchema, req.body);
    sendIdempotent(res, await deps.admin.adjust(caller(res), body, key));
  });

  /**
   * @openapi
   * /api/v1/admin/billing/refunds:
   *   post:
   *     operationId: adminRefundPurchase
   *     summary: Refund any amount of a purchase up to what is left unrefunded, with a reason
   *     description: "The money goes back to the buyer's wallet. Emits purchase.refunded naming the administrator (refunded_by) and logs it. The refund's reason code is admin_refund; the request's reason (free text) is its description on the receipt. A refund that leaves nothing of the price (remaining 0) makes the purchase's token unusable: the token service revokes it (status refunded, token.revoked) and the owner can no longer refund it (409 TOKEN_ALREADY_REFUNDED); a partial refund leaves the token alone. Idempotent with an Idempotency-Key, per administrator."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, required: false, schema: { $ref: "#/components/schemas/IdempotencyKey" }, description: "Per caller: the same key and body within 24 h answer the first status and body again (Idempotent-Replayed: true) and move nothing more" }
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/AdminRefundRequest" } } }
   *     responses:
   *       201: { description: The refund, content: { application/json: { schema: { $ref: "#/components/schemas/AdminRefundResponse" } } } }
   *     x-errors:
   *       400: { BAD_REQUEST: "more than one Idempotency-Key header" }
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { PURCHASE_NOT_FOUND: no such purchase }
   *       409:
   *         PURCHASE_CANCELLED: the purchase was never debited
   *         REFUND_EXCEEDS_PURCHASE: the amount is more than what is left to refund
   *         IDEMPOTENCY_KEY_IN_USE: "a request with this Idempotency-Key is still in progress (Retry-After)"
   *       422:
   *         VALIDATION_ERROR: "amount is not a positive integer, the reason is missing, or the Idempotency-Key header is malformed"
   *         IDEMPOTENCY_KEY_REUSED: this key was used with a different body or route
   */
  router.post("/refunds", async (req, res) => {
    const key = idempotencyKeyHeader(req);
    const body = parseOrThrow(adminRefundRequestSchema, req.body);
    sendIdempotent(res, await deps.admin.refund(caller(res), body, key));
  });

  /**
   * @openapi
   * /api/v1/admin/billing/prices:
   *   put:
   *     operationId: adminSetPrices
   *     summary: Record a new price version
   *     description: "Durations not named keep their current price. Purchases record the price_id they paid, so earlier purchases keep theirs."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/SetPricesRequest" } } }
   *     responses:
   *       200: { description: The new price list, content: { application/json: { schema: { $ref: "#/components/schemas/PriceList" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       422: { VALIDATION_ERROR: "a duration is not sold, named twice, or its unit_amount is negative", CURRENCY_NOT_SUPPORTED: the currency is not the one this service sells in }
   */
  router.put("/prices", async (req, res) => {
    const body = parseOrThrow(setPricesRequestSchema, req.body);
    res.json(await deps.admin.setPrices(caller(res), body));
  });

  return router;
}
