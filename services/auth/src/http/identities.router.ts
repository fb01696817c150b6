import { oauthProviderParamsSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { ListIdentitiesUseCase } from "../domain/oauth/list-identities.use-case";
import type { UnlinkIdentityUseCase } from "../domain/oauth/unlink-identity.use-case";
import { clientInfo } from "./client-info";

export function identitiesRouter(deps: { requireUser: RequestHandler; listIdentities: ListIdentitiesUseCase; unlinkIdentity: UnlinkIdentityUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/users/me/identities:
   *   get:
   *     summary: The sign-in providers linked to the authenticated user, and whether the account has a password
   *     tags: [users, oauth]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: "{ identities: [{ provider, subject, email, email_verified, created_at, last_login_at }], has_password }" }
   *       401: { description: UNAUTHENTICATED, BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED or SESSION_REVOKED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/users/me/identities", deps.requireUser, async (_req, res) => {
    res.json(await deps.listIdentities.execute(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/users/me/identities/{provider}:
   *   delete:
   *     summary: Unlink a provider, unless it is the account's last way to sign in
   *     tags: [users, oauth]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ in: path, name: provider, required: true, schema: { type: string } }]
   *     responses:
   *       204: { description: Unlinked }
   *       401: { description: UNAUTHENTICATED, BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED or SESSION_REVOKED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       404: { description: IDENTITY_NOT_FOUND, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       409: { description: LAST_SIGN_IN_METHOD (no password and no other provider), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.delete("/api/v1/users/me/identities/:provider", deps.requireUser, async (req, res) => {
    const { provider } = parseOrThrow(oauthProviderParamsSchema, req.params, "path");
    await deps.unlinkIdentity.execute(authenticatedUser(res), provider, clientInfo(req));
    res.status(204).end();
  });

  return router;
}
