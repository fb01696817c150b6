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
   *     operationId: findUserByUsername
   *     summary: "Another user's id by their username (case-insensitive), e.g. to name them as an opponent"
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UserLookupParams.username" }]
   *     responses:
   *       200: { description: "The user's id and username as registered (no e-mail)", content: { application/json: { schema: { $ref: "#/components/schemas/UserLookupResponse" } } } }
   *     x-errors:
   *       404: { USER_NOT_FOUND: "no such user, or the account is disabled" }
   *       422: { VALIDATION_ERROR: the name cannot be a username }
   */
  router.get("/api/v1/users/by-username/:username", deps.requireUser, async (req, res) => {
    const { username } = parseOrThrow(userLookupParamsSchema, req.params, "path");
    res.json(userLookupResponseSchema.parse(await deps.findUserByUsername.execute(username)));
  });

  return router;
}
