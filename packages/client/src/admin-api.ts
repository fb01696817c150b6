import {
  adminSessionsRevokedSchema,
  adminTokenItemSchema,
  adminTokenPageSchema,
  adminUserDetailSchema,
  adminUserPageSchema,
  adminUserSchema,
  auditLogPageSchema,
  type AdminSessionsRevoked,
  type AdminTokenItem,
  type AdminTokenPage,
  type AdminUser,
  type AdminUserDetail,
  type AdminUserPage,
  type AuditActorType,
  type AuditLogPage,
  type TokenStatus,
  type UserRole,
  type UserStatus,
} from "@tollgate/contracts";

/** How the SDK sends one request (the client's own, with its session and error handling). */
export type AdminCall = (method: "GET" | "POST" | "PUT", path: string, body?: unknown) => Promise<unknown>;

/** Every list is newest first, a page at a time: pass a page's `next_cursor` as `cursor` for the next. */
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export interface UserQuery extends PageRequest {
  /** The start of the e-mail or the username, case-insensitive. */
  search?: string;
  status?: UserStatus;
  role?: UserRole;
}

export interface TokenQuery extends PageRequest {
  userId?: string;
  status?: TokenStatus;
}

export interface AuditQuery extends PageRequest {
  /** The subject: entries about this user. */
  userId?: string;
  actorId?: string;
  actorType?: AuditActorType;
  action?: string;
  /** At or after this instant; `to`: before it. */
  from?: Date | string;
  to?: Date | string;
}

/** One user as an admin sees them: the auth service's account view plus the token service's first page of their tokens. */
export type AdminUserView = AdminUserDetail & { tokens: AdminTokenItem[]; tokens_next_cursor: string | null };

const query = (params: Record<string, string | number | Date | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value instanceof Date ? value.toISOString() : String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};
const id = (value: string) => encodeURIComponent(value);

/**
 * The administration API, for an account with the role `admin` (others get `TollgateError` 403
 * `FORBIDDEN`). Users, sessions and the audit log are the auth service's; tokens are the token
 * service's (the gateway routes `/api/v1/admin/tokens` there). Every call is in the audit log.
 */
export class AdminApi {
  constructor(private readonly call: AdminCall) {}

  /** `GET /api/v1/admin/users`. Rejects with 422 `VALIDATION_ERROR` for a bad filter or cursor. */
  async users(filter: UserQuery = {}): Promise<AdminUserPage> {
    return adminUserPageSchema.parse(await this.call("GET", `/api/v1/admin/users${query({ search: filter.search, status: filter.status, role: filter.role, limit: filter.limit, cursor: filter.cursor })}`));
  }

  /**
   * One user, their identities and live sessions (auth service) and their newest tokens (token
   * service), asked for at once. Each service answers for its own data and checks the admin's
   * token itself; neither calls the other, so one being down fails this call with its error
   * (404 `USER_NOT_FOUND`, 503 …) rather than hiding part of the answer.
   */
  async user(userId: string, options: { tokens?: number } = {}): Promise<AdminUserView> {
    const [detail, tokens] = await Promise.all([this.userDetail(userId), this.tokens({ userId, limit: options.tokens ?? 50 })]);
    return { ...detail, tokens: tokens.tokens, tokens_next_cursor: tokens.next_cursor };
  }

  /** The auth service's part of `user`: `GET /api/v1/admin/users/{id}`. */
  async userDetail(userId: string): Promise<AdminUserDetail> {
    return adminUserDetailSchema.parse(await this.call("GET", `/api/v1/admin/users/${id(userId)}`));
  }

  /** Sessions revoked, `user.disabled` (their tokens are revoked too). 409 `LAST_ADMIN` for the only enabled admin. */
  async disable(userId: string): Promise<void> {
    await this.call("POST", `/api/v1/admin/users/${id(userId)}/disable`);
  }

  async enable(userId: string): Promise<void> {
    await this.call("POST", `/api/v1/admin/users/${id(userId)}/enable`);
  }

  /** `admin` grants the role, `user` removes it (and ends the user's sessions). 409 `LAST_ADMIN` for the only enabled admin. */
  async setRole(userId: string, role: UserRole): Promise<AdminUser> {
    return adminUserSchema.parse(await this.call("PUT", `/api/v1/admin/users/${id(userId)}/role`, { role }));
  }

  /** One session, by its id (from `user`). 404 `SESSION_NOT_FOUND`. */
  async revokeSession(sessionId: string): Promise<void> {
    await this.call("POST", `/api/v1/admin/sessions/${id(sessionId)}/revoke`);
  }

  async revokeSessions(userId: string): Promise<AdminSessionsRevoked> {
    return adminSessionsRevokedSchema.parse(await this.call("POST", `/api/v1/admin/users/${id(userId)}/sessions/revoke`));
  }

  /** `GET /api/v1/admin/tokens` (token service). */
  async tokens(filter: TokenQuery = {}): Promise<AdminTokenPage> {
    return adminTokenPageSchema.parse(await this.call("GET", `/api/v1/admin/tokens${query({ user_id: filter.userId, status: filter.status, limit: filter.limit, cursor: filter.cursor })}`));
  }

  /** Any user's token, at once and everywhere (token service). 404 `NOT_FOUND`. */
  async revokeToken(tokenId: string, reason?: string): Promise<AdminTokenItem> {
    return adminTokenItemSchema.parse(await this.call("POST", `/api/v1/admin/tokens/${id(tokenId)}/revoke`, reason ? { reason } : {}));
  }

  /** `GET /api/v1/admin/audit-logs`. */
  async auditLogs(filter: AuditQuery = {}): Promise<AuditLogPage> {
    const params = { user_id: filter.userId, actor_id: filter.actorId, actor_type: filter.actorType, action: filter.action, from: filter.from, to: filter.to, limit: filter.limit, cursor: filter.cursor };
    return auditLogPageSchema.parse(await this.call("GET", `/api/v1/admin/audit-logs${query(params)}`));
  }
}
