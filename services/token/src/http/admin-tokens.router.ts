import { adminTokenListQuerySchema, revokeTokenRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, bodyOrEmpty, parseOrThrow, requireUser, uuidPathParam, type JwtVerifier, type RevocationCheck } from "@tollgate/service-kit";
import { Router, type Request, type Response } from "express";
import type { AdminCaller } from "../domain/admin-caller";
import type { AdminListTokensUseCase } from "../domain/admin-list-tokens.use-case";
import type { AdminRevokeTokenUseCase } from "../domain/admin-revoke-token.use-case";
import { TokenNotFoundError } from "../domain/token-errors";

export interface AdminTokensRouterDeps {
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  adminList: AdminListTokensUseCase;
  adminRevoke: AdminRevokeTokenUseCase;
}

const caller = (req: Request, res: Response): AdminCaller => {
  const userAgent = req.get("user-agent");
  return { userId: authenticatedUser(res).sub, ip: req.ip ?? null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
};

/**
 * The token service's part of the administration API (role `admin`), routed by the gateway ahead
 * of the auth service's `/api/v1/admin/`. Every call reaches the audit log as `audit.recorded`.
 */
export function adminTokensRouter(deps: AdminTokensRouterDeps): Router {
  const router = Router();
  const requireAdmin = requireUser({ verifier: deps.verifier, revocations: deps.revocations, role: "admin" });

  /**
   * @openapi
   * /api/v1/admin/tokens:
   *   get:
   *     operationId: adminListTokens
   *     summary: Any user's access tokens, newest first, a page at a time
   *     description: "user_id narrows to one user (the admin view of a user combines this with the auth service's GET /api/v1/admin/users/{id}), status to one status now. Pass next_cursor back as cursor until it is null. Never the token or its hash. Audited as tokens_listed."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/AdminTokenListQuery.user_id"
   *       - $ref: "#/components/parameters/AdminTokenListQuery.status"
   *       - $ref: "#/components/parameters/AdminTokenListQuery.limit"
   *       - $ref: "#/components/parameters/AdminTokenListQuery.cursor"
   *     responses:
   *       200: { description: One page of tokens, content: { application/json: { schema: { $ref: "#/components/schemas/AdminTokenPage" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       422: { VALIDATION_ERROR: "a query parameter is malformed or unknown, or the cursor is not one this list gave out" }
   */
  router.get("/api/v1/admin/tokens", requireAdmin, async (req, res) => {
    const query = parseOrThrow(adminTokenListQuerySchema, req.query, "query");
    res.json(await deps.adminList.execute(caller(req, res), query));
  });

  /**
   * @openapi
   * /api/v1/admin/tokens/{id}/revoke:
   *   post:
   *     operationId: adminRevokeToken
   *     summary: Revoke any user's token at once (idempotent)
   *     description: "Emits token.revoked (every proxy instance drops it from its caches and closes its tunnels); the reason defaults to admin. Audited as token_revoked (not again for a token already revoked)."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     requestBody:
   *       required: false
   *       content: { application/json: { schema: { $ref: "#/components/schemas/RevokeTokenRequest" } } }
   *     responses:
   *       200: { description: The revoked token, content: { application/json: { schema: { $ref: "#/components/schemas/AdminTokenItem" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { NOT_FOUND: "no such token (a malformed id too)" }
   */
  router.post("/api/v1/admin/tokens/:id/revoke", requireAdmin, async (req, res) => {
    // A malformed id cannot name a token: 404, as on the owner's route.
    const id = uuidPathParam(req, "id", () => new TokenNotFoundError());
    const body = parseOrThrow(revokeTokenRequestSchema, bodyOrEmpty(req.body));
    res.json(await deps.adminRevoke.execute(caller(req, res), id, body.reason));
  });

  return router;
}
