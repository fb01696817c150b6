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
   *     operationId: listIdentities
   *     summary: The sign-in providers linked to the authenticated user, and whether the account has a password
   *     tags: [users, oauth]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The linked identities, content: { application/json: { schema: { $ref: "#/components/schemas/Identities" } } } }
   *     x-errors:
   *       404: { USER_NOT_FOUND: the user no longer exists }
   */
  router.get("/api/v1/users/me/identities", deps.requireUser, async (_req, res) => {
    res.json(await deps.listIdentities.execute(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/users/me/identities/{provider}:
   *   delete:
   *     operationId: unlinkIdentity
   *     summary: Unlink a provider, unless it is the account's last way to sign in
   *     tags: [users, oauth]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/OAuthProviderParams.provider" }]
   *     responses:
   *       204: { description: Unlinked }
   *     x-errors:
   *       404: { IDENTITY_NOT_FOUND: no identity of that provider is linked, USER_NOT_FOUND: the user no longer exists }
   *       409: { LAST_SIGN_IN_METHOD: the account has no password and no other provider }
   *       422: { VALIDATION_ERROR: the provider name is malformed }
   */
  router.delete("/api/v1/users/me/identities/:provider", deps.requireUser, async (req, res) => {
    const { provider } = parseOrThrow(oauthProviderParamsSchema, req.params, "path");
    await deps.unlinkIdentity.execute(authenticatedUser(res), provider, clientInfo(req));
    res.status(204).end();
  });

  return router;
}
