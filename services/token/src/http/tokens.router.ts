import { emptyBodySchema, emptyQuerySchema, myTokensQuerySchema, purchaseTokenRequestSchema, revokeTokenRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, bodyOrEmpty, idempotencyKeyHeader, parseOrThrow, requireUser, uuidPathParam, type RevocationCheck, type JwtVerifier } from "@tollgate/service-kit";
import { Router, type Response } from "express";
import type { PurchaseTokenUseCase } from "../domain/purchase-token.use-case";
import type { RefundTokenUseCase } from "../domain/refund-token.use-case";
import type { ReadTokensUseCase, Requester } from "../domain/read-tokens.use-case";
import type { RevokeTokenUseCase } from "../domain/revoke-token.use-case";
import { TokenNotFoundError } from "../domain/token-errors";

export interface TokensRouterDeps {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  purchase: PurchaseTokenUseCase;
  read: ReadTokensUseCase;
  revoke: RevokeTokenUseCase;
  refund: RefundTokenUseCase;
}

const requester = (res: Response): Requester => {
  const claims = authenticatedUser(res);
  return { userId: claims.sub, isAdmin: claims.role === "admin" };
};

/** A malformed id cannot name an existing token: 404, like someone else's. */
const tokenNotFound = () => new TokenNotFoundError();

export function tokensRouter(deps: TokensRouterDeps): Router {
  const router = Router();
  router.use(requireUser({ verifier: deps.verifier, revocations: deps.revocations }));

  /**
   * @openapi
   * /api/v1/tokens/purchase:
   *   post:
   *     operationId: purchaseToken
   *     summary: Buy an access token; the token is shown once
   *     description: "Debits the price from the wallet (billing service), then mints the token. Send the price_id the buyer was shown (GET /api/v1/billing/prices): when the duration's price has changed since, 409 PRICE_CHANGED and nothing is debited (the SDK and CLI always send it); without it, the current price is charged. Only its SHA-256 is stored. Its clock starts on first use through the proxy: status pending until then. Send an `Idempotency-Key` (Stripe's semantics): the same key with the same body within 24 h replays the first answer, status and body, and debits nothing more."
   *     tags: [tokens]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { name: Idempotency-Key, in: header, required: false, schema: { $ref: "#/components/schemas/IdempotencyKey" }, description: "1-255 printable ASCII characters, e.g. a UUID; the SDK always sends one" }
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseTokenRequest" } } }
   *     responses:
   *       201: { description: The new token with its plaintext, content: { application/json: { schema: { $ref: "#/components/schemas/PurchaseTokenResponse" } } } }
   *     x-errors:
   *       400: { BAD_REQUEST: "more than one Idempotency-Key header" }
   *       402: { INSUFFICIENT_FUNDS: "the wallet cannot pay the price; nothing was debited (top up, then buy with a new key)" }
   *       403: { EMAIL_NOT_VERIFIED: "REQUIRE_VERIFIED_EMAIL is on and the access JWT does not say the address is verified (verify, then refresh)" }
   *       409:
   *         TOKEN_LIMIT_REACHED: "the user already holds as many pending or active tokens as allowed (checked again after the debit: then the debit is refunded at once)"
   *         IDEMPOTENCY_KEY_IN_USE: "a purchase with this key is still in progress (Retry-After)"
   *         PURCHASE_CANCELLED: "the purchase did not finish in time and was cancelled; anything debited was refunded"
   *         PRICE_CHANGED: "price_id is not the duration's current price (it changed after it was shown); nothing was debited, and the key replays this 409: show the new price, and buy with a new key"
   *       422:
   *         VALIDATION_ERROR: "duration_hours is not one of 1, 12, 24, 168, 720, or the Idempotency-Key header is malformed"
   *         IDEMPOTENCY_KEY_REUSED: this key was used with a different body
   *         UNKNOWN_PRICE: "price_id was never a price of this duration (another duration's, or none at all); nothing was debited, and the key replays this 422"
   *       503: { SERVICE_UNAVAILABLE: "billing could not be reached; nothing is kept (a debit that did happen is refunded within a minute); retry with the same key" }
   */
  router.post("/purchase", async (req, res) => {
    const key = idempotencyKeyHeader(req);
    const body = parseOrThrow(purchaseTokenRequestSchema, req.body);
    const claims = authenticatedUser(res);
    res.status(201).json(await deps.purchase.execute({ userId: claims.sub, emailVerified: claims.email_verified === true }, { durationHours: body.duration_hours, priceId: body.price_id }, key));
  });

  /**
   * @openapi
   * /api/v1/tokens/my-tokens:
   *   get:
   *     operationId: listMyTokens
   *     summary: My tokens, newest first
   *     tags: [tokens]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/MyTokensQuery.active_only" }]
   *     responses:
   *       200: { description: "The tokens (never their plaintext)", content: { application/json: { schema: { $ref: "#/components/schemas/TokenList" } } } }
   *     x-errors:
   *       422: { VALIDATION_ERROR: active_only is neither true nor false }
   */
  router.get("/my-tokens", async (req, res) => {
    const query = parseOrThrow(myTokensQuerySchema, req.query, "query");
    res.json(await deps.read.listMine(requester(res).userId, query.active_only));
  });

  /**
   * @openapi
   * /api/v1/tokens/{id}:
   *   get:
   *     operationId: getToken
   *     summary: One of my tokens (admins see any)
   *     tags: [tokens]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       200: { description: The token, content: { application/json: { schema: { $ref: "#/components/schemas/TokenItem" } } } }
   *     x-errors:
   *       404: { NOT_FOUND: "no such token, or not yours (a malformed id too)" }
   *       422: { VALIDATION_ERROR: "a query parameter was sent (this route takes none)" }
   */
  router.get("/:id", async (req, res) => {
    const id = uuidPathParam(req, "id", tokenNotFound);
    parseOrThrow(emptyQuerySchema, req.query, "query");
    res.json(await deps.read.getOne(id, requester(res)));
  });

  /**
   * @openapi
   * /api/v1/tokens/{id}/revoke:
   *   post:
   *     operationId: revokeToken
   *     summary: Revoke a token at once (idempotent)
   *     description: Emits token.revoked; every proxy instance drops it from its caches and closes its tunnels.
   *     tags: [tokens]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/RevokeTokenRequest" } } }
   *     responses:
   *       200: { description: The revoked token, content: { application/json: { schema: { $ref: "#/components/schemas/TokenItem" } } } }
   *     x-errors:
   *       404: { NOT_FOUND: "no such token, or not yours (a malformed id too)" }
   */
  router.post("/:id/revoke", async (req, res) => {
    const id = uuidPathParam(req, "id", tokenNotFound);
    const body = parseOrThrow(revokeTokenRequestSchema, bodyOrEmpty(req.body));
    res.json(await deps.revoke.execute(id, requester(res), body.reason));
  });

  /**
   * @openapi
   * /api/v1/tokens/{id}/refund:
   *   post:
   *     operationId: refundToken
   *     summary: Return an unused token for a full refund to the wallet (idempotent)
   *     description: "Only the owner, only for a token never used: pending, or revoked by its owner or an admin before its first use. The token becomes `refunded` at once (refused like a revoked one; token.revoked is emitted unless it was revoked already) and what is left of its price goes back to the wallet. Asking again answers the same 200 and refunds nothing more. A token whose whole price an administrator already refunded is refunded already (409 TOKEN_ALREADY_REFUNDED), never a refund of 0. The route takes no body: none, or {}; any field (amount is not a thing: the refund is always what is left of the price) or any other JSON value is 422."
   *     tags: [tokens]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/EmptyBody" } } }
   *     responses:
   *       200: { description: The refund, content: { application/json: { schema: { $ref: "#/components/schemas/RefundTokenResponse" } } } }
   *     x-errors:
   *       400: { MALFORMED_JSON: the body is not valid JSON }
   *       404: { NOT_FOUND: "no such token, or not yours (a malformed id too)" }
   *       409:
   *         TOKEN_ALREADY_USED: "the token was used (active or expired)"
   *         TOKEN_NOT_REFUNDABLE: "the token was never used but was revoked when its account was disabled"
   *         TOKEN_ALREADY_REFUNDED: "an administrator already refunded the token's whole price (the token was made unusable then)"
   *         CONFLICT: the token was bought before purchases were priced
   *       413: { PAYLOAD_TOO_LARGE: the body is larger than the service accepts }
   *       415: { UNSUPPORTED_MEDIA_TYPE: a body that is not application/json }
   *       422: { VALIDATION_ERROR: "a body other than {} (the field is named), or null, an array, a number" }
   *       503: { SERVICE_UNAVAILABLE: "billing could not be reached; the token stays refunded and the money follows within a minute (or ask again)" }
   */
  router.post("/:id/refund", async (req, res) => {
    const id = uuidPathParam(req, "id", tokenNotFound);
    parseOrThrow(emptyBodySchema, bodyOrEmpty(req.body));
    res.json(await deps.refund.execute(id, requester(res).userId));
  });

  return router;
}
