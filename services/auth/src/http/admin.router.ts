import { auditLogQuerySchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import type { DisableUserUseCase } from "../domain/disable-user.use-case";
import type { SearchAuditLogsUseCase } from "../domain/search-audit-logs.use-case";
import { clientInfo } from "./client-info";

const userIdParamsSchema = z.object({ id: z.uuid() });

export function adminRouter(deps: { requireAdmin: RequestHandler; disableUser: DisableUserUseCase; searchAuditLogs: SearchAuditLogsUseCase }): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/admin/users/{id}/disable:
   *   post:
   *     summary: Disable a user, revoke their sessions, emit user.disabled
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ in: path, name: id, required: true, schema: { type: string, format: uuid } }]
   *     responses:
   *       204: { description: Disabled (also when already disabled) }
   *       403: { description: FORBIDDEN (not an admin), content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   *       404: { description: USER_NOT_FOUND, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.post("/api/v1/admin/users/:id/disable", deps.requireAdmin, async (req, res) => {
    const { id } = parseOrThrow(userIdParamsSchema, req.params, "path");
    await deps.disableUser.execute(authenticatedUser(res), id, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/admin/audit-logs:
   *   get:
   *     summary: Audit log, newest first
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - { in: query, name: user_id, schema: { type: string, format: uuid } }
   *       - { in: query, name: action, schema: { type: string } }
   *       - { in: query, name: limit, schema: { type: integer, minimum: 1, maximum: 500, default: 100 } }
   *     responses:
   *       200: { description: "{ entries: AuditLogEntry[] }" }
   *       403: { description: FORBIDDEN, content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
   */
  router.get("/api/v1/admin/audit-logs", deps.requireAdmin, async (req, res) => {
    const query = parseOrThrow(auditLogQuerySchema, req.query, "query");
    res.json({ entries: await deps.searchAuditLogs.execute(query) });
  });

  return router;
}
