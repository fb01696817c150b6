import { authenticatedUser, uuidPathParam } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import { OwnSessionNotFoundError } from "../domain/account-errors";
import type { ListSessionsUseCase } from "../domain/list-sessions.use-case";
import type { RevokeOtherSessionsUseCase } from "../domain/revoke-other-sessions.use-case";
import type { RevokeSessionUseCase } from "../domain/revoke-session.use-case";
import { clientInfo } from "./client-info";

export interface SessionsRouterDeps {
  requireUser: RequestHandler;
  listSessions: ListSessionsUseCase;
  revokeSession: RevokeSessionUseCase;
  revokeOtherSessions: RevokeOtherSessionsUseCase;
}

export function sessionsRouter(deps: SessionsRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/users/me/sessions:
   *   get:
   *     operationId: listMySessions
   *     summary: My live sessions, most recently used first
   *     description: "Each session is one login (on one device or client): when it was opened and last refreshed, where from, when it ends unless refreshed, and which one is asking (current)."
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: The sessions, content: { application/json: { schema: { $ref: "#/components/schemas/AccountSessionList" } } } }
   */
  router.get("/api/v1/users/me/sessions", deps.requireUser, async (_req, res) => {
    res.json(await deps.listSessions.execute(authenticatedUser(res)));
  });

  /**
   * @openapi
   * /api/v1/users/me/sessions/{id}:
   *   delete:
   *     operationId: revokeMySession
   *     summary: End one of my sessions (the current one too)
   *     description: "Emits session.revoked (reason user_request): its refresh token stops working at once, and every service refuses its access JWT. Ending a session of yours that already ended changes nothing."
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       204: { description: The session is ended }
   *     x-errors:
   *       404: { SESSION_NOT_FOUND: "no session of yours has that id (someone else's, or a malformed id)" }
   */
  router.delete("/api/v1/users/me/sessions/:id", deps.requireUser, async (req, res) => {
    await deps.revokeSession.execute(authenticatedUser(res), uuidPathParam(req, "id", () => new OwnSessionNotFoundError()), clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/users/me/sessions/revoke-others:
   *   post:
   *     operationId: revokeMyOtherSessions
   *     summary: End every session of mine except this one
   *     description: Each ended session gets its own session.revoked (reason user_request).
   *     tags: [users]
   *     security: [{ bearerAuth: [] }]
   *     responses:
   *       200: { description: How many sessions ended, content: { application/json: { schema: { $ref: "#/components/schemas/OtherSessionsRevoked" } } } }
   */
  router.post("/api/v1/users/me/sessions/revoke-others", deps.requireUser, async (req, res) => {
    res.json(await deps.revokeOtherSessions.execute(authenticatedUser(res), clientInfo(req)));
  });

  return router;
}
