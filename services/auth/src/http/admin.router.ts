import { adminSetRoleRequestSchema, adminUserListQuerySchema, auditLogQuerySchema } from "@tollgate/contracts";
import { authenticatedUser, parseOrThrow, uuidPathParam } from "@tollgate/service-kit";
import { Router, type RequestHandler } from "express";
import type { AdminEnableUserUseCase } from "../domain/admin-enable-user.use-case";
import type { AdminGetUserUseCase } from "../domain/admin-get-user.use-case";
import type { AdminListUsersUseCase } from "../domain/admin-list-users.use-case";
import type { AdminRevokeSessionsUseCase } from "../domain/admin-revoke-sessions.use-case";
import { SessionNotFoundError } from "../domain/admin-errors";
import type { AdminSetRoleUseCase } from "../domain/admin-set-role.use-case";
import { UserNotFoundError } from "../domain/auth-errors";
import type { DisableUserUseCase } from "../domain/disable-user.use-case";
import type { SearchAuditLogsUseCase } from "../domain/search-audit-logs.use-case";
import { clientInfo } from "./client-info";

export interface AdminRouterDeps {
  requireAdmin: RequestHandler;
  listUsers: AdminListUsersUseCase;
  getUser: AdminGetUserUseCase;
  disableUser: DisableUserUseCase;
  enableUser: AdminEnableUserUseCase;
  setRole: AdminSetRoleUseCase;
  revokeSessions: AdminRevokeSessionsUseCase;
  searchAuditLogs: SearchAuditLogsUseCase;
}

/** The administration API (role `admin`); every call is in the audit log with the admin as its actor. */
export function adminRouter(deps: AdminRouterDeps): Router {
  const router = Router();

  /**
   * @openapi
   * /api/v1/admin/users:
   *   get:
   *     operationId: listUsers
   *     summary: List or search users, newest first, a page at a time
   *     description: "`search` matches the start of the e-mail or the username, case-insensitive; `status` and `role` narrow further. Pages are keyset-paged on (created_at, id): pass `next_cursor` back as `cursor` until it is null; users created meanwhile never shift a page (no duplicates, no gaps). Audited as users_listed."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/AdminUserListQuery.search"
   *       - $ref: "#/components/parameters/AdminUserListQuery.status"
   *       - $ref: "#/components/parameters/AdminUserListQuery.role"
   *       - $ref: "#/components/parameters/AdminUserListQuery.limit"
   *       - $ref: "#/components/parameters/AdminUserListQuery.cursor"
   *     responses:
   *       200: { description: One page of users, content: { application/json: { schema: { $ref: "#/components/schemas/AdminUserPage" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       422: { VALIDATION_ERROR: "a query parameter is malformed or unknown, or the cursor is not one this list gave out" }
   */
  router.get("/api/v1/admin/users", deps.requireAdmin, async (req, res) => {
    const query = parseOrThrow(adminUserListQuerySchema, req.query, "query");
    res.json(await deps.listUsers.execute(authenticatedUser(res), query, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/admin/users/{id}:
   *   get:
   *     operationId: getUser
   *     summary: One user with their sign-in identities and live sessions
   *     description: "Their access tokens are the token service's: GET /api/v1/admin/tokens?user_id={id} (the SDK's admin.user() and `tollgate admin user` fetch both). Audited as user_viewed."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       200: { description: The user, content: { application/json: { schema: { $ref: "#/components/schemas/AdminUserDetail" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: "no user has this id (a malformed id too)" }
   */
  router.get("/api/v1/admin/users/:id", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new UserNotFoundError());
    res.json(await deps.getUser.execute(authenticatedUser(res), id, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/admin/users/{id}/disable:
   *   post:
   *     operationId: disableUser
   *     summary: Disable a user, revoke their sessions, emit user.disabled
   *     description: "Their tokens are revoked by the token service and their sockets and tunnels closed when the event arrives. Audited as user_disabled (not again for a user already disabled)."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       204: { description: Disabled (also when already disabled) }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: "no user has this id (a malformed id too)" }
   *       409: { LAST_ADMIN: "the user is the only enabled admin (an admin disabling themselves)" }
   */
  router.post("/api/v1/admin/users/:id/disable", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new UserNotFoundError());
    await deps.disableUser.execute(authenticatedUser(res), id, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/admin/users/{id}/enable:
   *   post:
   *     operationId: enableUser
   *     summary: Enable a disabled user, emit user.enabled
   *     description: "They may sign in again; the sessions and tokens revoked when they were disabled stay revoked. Audited as user_enabled (not for a user who was not disabled)."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       204: { description: Enabled (also when not disabled) }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: "no user has this id (a malformed id too)" }
   */
  router.post("/api/v1/admin/users/:id/enable", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new UserNotFoundError());
    await deps.enableUser.execute(authenticatedUser(res), id, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/admin/users/{id}/role:
   *   put:
   *     operationId: setUserRole
   *     summary: Grant (admin) or remove (user) the admin role
   *     description: "A grant takes effect at the user's next refresh or login. A removal revokes every session of the user (session.revoked, reason admin), since their access tokens still carry the role; they sign in again as a user. Setting the role a user has changes nothing. Audited as role_granted or role_removed."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     requestBody:
   *       required: true
   *       content: { application/json: { schema: { $ref: "#/components/schemas/AdminSetRoleRequest" } } }
   *     responses:
   *       200: { description: The user with their role now, content: { application/json: { schema: { $ref: "#/components/schemas/AdminUser" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: "no user has this id (a malformed id too)" }
   *       409: { LAST_ADMIN: "the user is the only enabled admin (an admin removing their own role): grant it to another account first" }
   *       422: { VALIDATION_ERROR: role is not user or admin }
   */
  router.put("/api/v1/admin/users/:id/role", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new UserNotFoundError());
    const body = parseOrThrow(adminSetRoleRequestSchema, req.body);
    res.json(await deps.setRole.execute(authenticatedUser(res), id, body.role, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/admin/users/{id}/sessions/revoke:
   *   post:
   *     operationId: revokeUserSessions
   *     summary: Revoke every session of a user, emit session.revoked for each
   *     description: "Every service refuses their access tokens at once; the account stays enabled. Audited as admin_sessions_revoked (when there was a session to revoke)."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       200: { description: How many sessions were revoked, content: { application/json: { schema: { $ref: "#/components/schemas/AdminSessionsRevoked" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { USER_NOT_FOUND: "no user has this id (a malformed id too)" }
   */
  router.post("/api/v1/admin/users/:id/sessions/revoke", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new UserNotFoundError());
    res.json(await deps.revokeSessions.all(authenticatedUser(res), id, clientInfo(req)));
  });

  /**
   * @openapi
   * /api/v1/admin/sessions/{id}/revoke:
   *   post:
   *     operationId: revokeSession
   *     summary: Revoke one session, emit session.revoked
   *     description: "Session ids are in GET /api/v1/admin/users/{id}. Revoking a revoked session again is harmless. Audited as admin_session_revoked."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters: [{ $ref: "#/components/parameters/UuidParam.id" }]
   *     responses:
   *       204: { description: Revoked (also when it already was) }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       404: { SESSION_NOT_FOUND: "no session has this id (a malformed id too)" }
   */
  router.post("/api/v1/admin/sessions/:id/revoke", deps.requireAdmin, async (req, res) => {
    const id = uuidPathParam(req, "id", () => new SessionNotFoundError());
    await deps.revokeSessions.one(authenticatedUser(res), id, clientInfo(req));
    res.status(204).end();
  });

  /**
   * @openapi
   * /api/v1/admin/audit-logs:
   *   get:
   *     operationId: searchAuditLogs
   *     summary: The audit log, newest first, a page at a time
   *     description: "Filters (all optional, all must match): user_id (the subject), actor_id, actor_type (user, system, cli), action, from (inclusive) and to (exclusive), RFC 3339 instants. Pass next_cursor back as cursor until it is null. The read is audited as audit_log_read (after the page is read, so not on it)."
   *     tags: [admin]
   *     security: [{ bearerAuth: [] }]
   *     parameters:
   *       - $ref: "#/components/parameters/AuditLogQuery.user_id"
   *       - $ref: "#/components/parameters/AuditLogQuery.actor_id"
   *       - $ref: "#/components/parameters/AuditLogQuery.actor_type"
   *       - $ref: "#/components/parameters/AuditLogQuery.action"
   *       - $ref: "#/components/parameters/AuditLogQuery.from"
   *       - $ref: "#/components/parameters/AuditLogQuery.to"
   *       - $ref: "#/components/parameters/AuditLogQuery.cursor"
   *       - $ref: "#/components/parameters/AuditLogQuery.limit"
   *     responses:
   *       200: { description: The matching entries, content: { application/json: { schema: { $ref: "#/components/schemas/AuditLogPage" } } } }
   *     x-errors:
   *       403: { FORBIDDEN: the caller is not an admin }
   *       422: { VALIDATION_ERROR: "a query parameter is malformed or unknown, to is not later than from, or the cursor is not one this log gave out" }
   */
  router.get("/api/v1/admin/audit-logs", deps.requireAdmin, async (req, res) => {
    const query = parseOrThrow(auditLogQuerySchema, req.query, "query");
    res.json(await deps.searchAuditLogs.execute(authenticatedUser(res), query, clientInfo(req)));
  });

  return router;
}
