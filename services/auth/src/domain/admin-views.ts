import type { AccessTokenClaims, AdminSession, AdminUser } from "@tollgate/contracts";
import type { AuditActor } from "./audit-log.port";
import type { SessionRecord } from "./session.repository.port";
import type { AdminUserRecord } from "./user.repository.port";
import type { ClientInfo } from "./session-tokens";

export const toAdminUser = (user: AdminUserRecord): AdminUser => ({
  id: user.id,
  email: user.email,
  username: user.username,
  role: user.role,
  status: user.disabledAt ? "disabled" : "active",
  email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
  created_at: user.createdAt.toISOString(),
  last_login_at: user.lastLoginAt?.toISOString() ?? null,
  disabled_at: user.disabledAt?.toISOString() ?? null,
});

export const toAdminSession = (session: SessionRecord): AdminSession => ({
  id: session.id,
  created_at: session.createdAt.toISOString(),
  last_used_at: session.lastUsedAt.toISOString(),
  expires_at: session.expiresAt.toISOString(),
  ip: session.ip,
  user_agent: session.userAgent,
});

/** The audit fields of an admin's call: the admin as actor, and where the call came from. */
export const byAdmin = (admin: AccessTokenClaims, client: ClientInfo): { actor: AuditActor; ip: string | null; userAgent: string | null } => ({
  actor: { type: "user", id: admin.sub },
  ip: client.ip,
  userAgent: client.userAgent,
});
