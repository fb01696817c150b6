import { myTokensQuerySchema, purchaseTokenRequestSchema, revokeTokenRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow, requireUser, type RevocationCheck, type JwtVerifier } from "@tollgate/service-kit";
import { Router, type Response } from "express";
import { z } from "zod";
import type { PurchaseTokenUseCase } from "../domain/purchase-token.use-case";
import type { ReadTokensUseCase, Requester } from "../domain/read-tokens.use-case";
import type { RevokeTokenUseCase } from "../domain/revoke-token.use-case";
import { TokenNotFoundError } from "../domain/token-errors";

export interface TokensRouterDeps {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  purchase: PurchaseTokenUseCase;
  read: ReadTokensUseCase;
  revoke: RevokeTokenUseCase;
}

const requester = (res: Response): Requester => {
  const claims = authenticatedUser(res);
  return { userId: claims.sub, isAdmin: claims.role === "admin" };
};

/** A malformed id cannot name an existing token: 404, like someone else's. */
const tokenId = (value: unknown): string => {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw new TokenNotFoundError();
  return parsed.data;
};

export function tokensRouter(deps: TokensRouterDeps): Router {
  const router = Router();
  router.use(requireUser({ verifier: deps.verifier, revocations: deps.revocations }));

  /**
   * @openapi
   * /api/v1/tokens/purchase:
   *   post:
   *     summary: Buy an access token (shown once)
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema: { type: object, required: [duration_hours], properties: { duration_hours: { type: integer, enum: [1, 12, 24, 168, 720] } } }
   *     responses:
   *       201: { description: "{id, token, duration_hours, status: pending, created_at}" }
   *       401: { description: Not authenticated, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       409: { description: TOKEN_LIMIT_REACHED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: duration not offered, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/purchase", async (req, res) => {
    const body = parseOrThrow(purchaseTokenRequestSchema, req.body);
    res.status(201).json(await deps.purchase.execute(requester(res).userId, body.duration_hours));
  });

  /**
   * @openapi
   * /api/v1/tokens/my-tokens:
   *   get:
   *     summary: My tokens, newest first
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: query, name: active_only, schema: { type: string, enum: ["true", "false"] } }
   *     responses:
   *       200: { description: "[{id, duration_hours, status, created_at, activated_at, expires_at, revoked_at}]" }
   */
  router.get("/my-tokens", async (req, res) => {
    const query = parseOrThrow(myTokensQuerySchema, req.query, "query");
    res.json(await deps.read.listMine(requester(res).userId, query.active_only));
  });

  /**
   * @openapi
   * /api/v1/tokens/{id}:
   *   get:
   *     summary: One of my tokens (admins see any)
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ in: path, name: id, required: true, schema: { type: string, format: uuid } }]
   *     responses:
   *       200: { description: the token }
   *       404: { description: not found or not yours, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/:id", async (req, res) => {
    res.json(await deps.read.getOne(tokenId(req.params.id), requester(res)));
  });

  /**
   * @openapi
   * /api/v1/tokens/{id}/revoke:
   *   post:
   *     summary: Revoke a token at once (idempotent)
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ in: path, name: id, required: true, schema: { type: string, format: uuid } }]
   *     requestBody:
   *       content:
   *         application/json:
   *           schema: { type: object, properties: { reason: { type: string, maxLength: 200 } } }
   *     responses:
   *       200: { description: the revoked token }
   *       404: { description: not found or not yours, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/:id/revoke", async (req, res) => {
    const id = tokenId(req.params.id);
    const body = parseOrThrow(revokeTokenRequestSchema, req.body ?? {});
    res.json(await deps.revoke.execute(id, requester(res), body.reason));
  });

  return router;
}
