import { auditLogQuerySchema, uuidParamSchema, type AuditLogPage } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { DisableUserUseCase } from "../domain/disable-user.use-case";
import type { SearchAuditLogsUseCase } from "../domain/search-audit-logs.use-case";
import { clientInfo } from "./client-info";

export function adminRouter(deps: { requireAdmin: RequestHandler; disableUser: DisableUserUseCase; searchAuditLogs: SearchAuditLogsUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/admin/users/{id}/disable:
   *   post:
   *     operationId: disableUser
   *     summary: Disable a user, revoke their sessions, emit user.disabled
   *     description: Their tokens are revoked by the token service and their sockets and tunnels closed when the event arrives.
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       204: { description: Disabled (also when already disabled) }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: no user has this id }
   *       422: { VALIDATION_ERROR: the id is not a UUID }
   */
  router.post("/api/v1/admin/users/:id/disable", deps.requireAdmin, async (req, res) => {
    const { id } = parseOrThrow(uuidParamSchema, req.params, "path");
    await deps.disableUser.execute(authenticatedUser(res), id, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/admin/audit-logs:
   *   get:
   *     operationId: searchAuditLogs
   *     summary: The audit log, newest first
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/AuditLogQuery.user_id"
   *       - $ref: "#/components/parameters/AuditLogQuery.action"
   *       - $ref: "#/components/parameters/AuditLogQuery.limit"
   *     responses:
   *       200: { description: The matching entries, content: { application/json: { schema: { $ref: "#/components/schemas/AuditLogPage" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       422: { VALIDATION_ERROR: a query parameter is malformed or unknown }
   */
  router.get("/api/v1/admin/audit-logs", deps.requireAdmin, async (req, res) => {
    const query = parseOrThrow(auditLogQuerySchema, req.query, "query");
    res.json({ entries: await deps.searchAuditLogs.execute(query) } satisfies AuditLogPage);
  });

  return router;
}
