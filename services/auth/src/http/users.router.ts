import { changePasswordRequestSchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { ChangePasswordUseCase } from "../domain/change-password.use-case";
import type { GetCurrentUserUseCase } from "../domain/get-current-user.use-case";
import { clientInfo } from "./client-info";

export function usersRouter(deps: { requireUser: RequestHandler; getCurrentUser: GetCurrentUserUseCase; changePassword: ChangePasswordUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/users/me:
   *   get:
   *     operationId: getCurrentUser
   *     summary: The authenticated user
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The user, content: { application/json: { schema: { $ref: "#/components/schemas/User" } } } }
   *     x-errors:
   *       404: { USER_NOT_FOUND: the user no longer exists }
   */
  router.get("/api/v1/users/me", deps.requireUser, async (_req, res) => {
    res.json(await deps.getCurrentUser.execute(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/users/me/password:
   *   post:
   *     operationId: changePassword
   *     summary: Change the password; by default revokes every other session
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/ChangePasswordRequest" } } }
   *     responses:
   *       204: { description: Changed }
   *     x-errors:
   *       401: { INVALID_CREDENTIALS: "the current password is wrong, or it changed meanwhile" }
   *       404: { USER_NOT_FOUND: the user no longer exists }
   *       409: { NO_PASSWORD_SET: the account signs in through a provider and has no password }
   *       422: { WEAK_PASSWORD: the new password is too easy to guess }
   *       429: { RATE_LIMITED: too many wrong current passwords }
   */
  router.post("/api/v1/users/me/password", deps.requireUser, async (req, res) => {
    const input = parseOrThrow(changePasswordRequestSchema, req.body);
    await deps.changePassword.execute(authenticatedUser(res), input, clientInfo(req));
    res.status(204).end();
  });

  return router;
}
