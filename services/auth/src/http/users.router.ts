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
   *     summary: The authenticated user
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The user }
   *       401: { description: UNAUTHENTICATED, BEARER_TOKEN_INVALID, BEARER_TOKEN_EXPIRED or SESSION_REVOKED, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/users/me", deps.requireUser, async (_req, res) => {
    res.json(await deps.getCurrentUser.execute(authenticatedUser(res).sub));
  });

  /**
   * @openapi
   * /api/v1/users/me/password:
   *   post:
   *     summary: Change the password; by default revokes every other session
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     requestBody:
   *       required: true
   *       content:
   *         application/json:
   *           schema:
   *             type: object
   *             required: [current_password, new_password]
   *             properties:
   *               current_password: { type: string }
   *               new_password: { type: string, minLength: 12, maxLength: 128 }
   *               revoke_other_sessions: { type: boolean, default: true }
   *     responses:
   *       204: { description: Changed }
   *       401: { description: INVALID_CREDENTIALS (wrong current password), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       422: { description: VALIDATION_ERROR or WEAK_PASSWORD, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/users/me/password", deps.requireUser, async (req, res) => {
    const input = parseOrThrow(changePasswordRequestSchema, req.body);
    await deps.changePassword.execute(authenticatedUser(res), input, clientInfo(req));
    res.status(204).end();
  });

  return router;
}
