import { userLookupParamsSchema, userLookupResponseSchema } from "@tollgate/contracts";
import { parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { FindUserByUsernameUseCase } from "../domain/find-user-by-username.use-case";

export function userLookupRouter(deps: { requireUser: RequestHandler; findUserByUsername: FindUserByUsernameUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/users/by-username/{username}:
   *   get:
   *     summary: Another user's id by their username (case-insensitive), e.g. to name them as an opponent
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: path, name: username, required: true, schema: { type: string, minLength: 3, maxLength: 32, pattern: "^[A-Za-z0-9_-]+$" } }
   *     responses:
   *       200:
   *         description: The user's id and username as registered (no e-mail)
   *         content:
   *           application/json:
   *             schema: { type: object, required: [id, username], properties: { id: { type: string, format: uuid }, username: { type: string } } }
   *       401: { description: UNAUTHENTICATED, BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED or SESSION_REVOKED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       404: { description: USER_NOT_FOUND (no such user, or the account is disabled), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: VALIDATION_ERROR (not a possible username), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/users/by-username/:username", deps.requireUser, async (req, res) => {
    const { username } = parseOrThrow(userLookupParamsSchema, req.params, "path");
    res.json(userLookupResponseSchema.parse(await deps.findUserByUsername.execute(username)));
  });

  return router;
}
