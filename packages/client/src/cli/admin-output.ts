import type { AdminSession, AdminTokenItem, AdminUser, AdminUserDetail, AuditLogEntry } from "@tollgate/contracts";

/** One line per user: id, username, e-mail, role, status (and an unverified address). */
export function userLine(user: AdminUser): string {
  return [user.id, user.username.padEnd(20), user.email.padEnd(32), user.role.padEnd(5), user.status, user.email_verified_at ? "" : "(e-mail unverified)"].join("  ").trimEnd();
}

export function sessionLine(session: AdminSession): string {
  return [session.id, `last used ${session.last_used_at}`, `from ${session.ip ?? "?"}`, session.user_agent ?? ""].join("  ").trimEnd();
}

export function tokenLine(token: AdminTokenItem): string {
  const when = token.revoked_at ? `at ${token.revoked_at} (${token.revoke_reason ?? "no reason"})` : token.expires_at ? `expires ${token.expires_at}` : "";
  return [token.id, `${String(token.duration_hours).padStart(3)} h`, token.status.padEnd(8), when].join("  ").trimEnd();
}

/** The account, how it signs in, its live sessions; tokens are added by the caller (another service). */
export function userDetailLines(detail: AdminUserDetail): string[] {
  const { user } = detail;
  const signIn = [...(detail.has_password ? ["password"] : []), ...detail.identities.map((identity) => identity.provider)];
  return [
    `${user.username} <${user.email}>  id ${user.id}`,
    `role ${user.role}, ${user.status}${user.disabled_at ? ` since ${user.disabled_at}` : ""}; e-mail ${user.email_verified_at ? `verified ${user.email_verified_at}` : "unverified"}`,
    `created ${user.created_at}; last login ${user.last_login_at ?? "never"}`,
    `signs in with: ${signIn.join(", ") || "nothing (no password, no provider)"}`,
    `sessions (${detail.sessions.length}):`,
    ...detail.sessions.map((session) => `  ${sessionLine(session)}`),
  ];
}

export function auditLine(entry: AuditLogEntry): string {
  const actor = entry.actor_type === "user" ? `by ${entry.actor_id}` : entry.actor_type ? `by ${entry.actor_type}` : "by -";
  const details = Object.keys(entry.details).length > 0 ? JSON.stringify(entry.details) : "";
  return [entry.created_at, entry.action.padEnd(22), actor, `user ${entry.user_id ?? "-"}`, entry.ip ?? "", details].join("  ").trimEnd();
}
