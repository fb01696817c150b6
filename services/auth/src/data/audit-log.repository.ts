import { randomUUID } from "node:crypto";
import type { AuditLogEntry, AuditLogQuery } from "@tollgate/contracts";
import type { Knex } from "knex";

export const auditActions = {
  register: "register",
  loginSuccess: "login_success",
  loginFailure: "login_failure",
  logout: "logout",
  refresh: "refresh",
  refreshReuse: "refresh_reuse",
  passwordChange: "password_change",
  userDisabled: "user_disabled",
  lockout: "lockout",
  tokenActivated: "token_activated",
  oauthLogin: "oauth_login",
  oauthLink: "oauth_link",
  oauthUnlink: "oauth_unlink",
  /** The user's own sessions: one ended from another session, or every other one at once. */
  sessionRevoked: "session_revoked",
  otherSessionsRevoked: "other_sessions_revoked",
  /** E-mail verification and password reset: each mail when it went out, and what its link did. */
  emailVerificationSent: "email_verification_sent",
  emailVerified: "email_verified",
  passwordResetRequested: "password_reset_requested",
  passwordResetSent: "password_reset_sent",
  passwordReset: "password_reset",
  /** A verification or reset mail given up on after every SMTP attempt failed. */
  accountMailFailed: "account_mail_failed",
  /** Second factor (TOTP): enrolment started, confirmed (on), turned off; a login asked for it; a code refused; a recovery code spent; codes renewed. */
  mfaEnrol: "mfa_enrol",
  mfaEnable: "mfa_enable",
  mfaDisable: "mfa_disable",
  mfaChallenge: "mfa_challenge",
  mfaFailure: "mfa_failure",
  mfaRecoveryCodeUsed: "mfa_recovery_code_used",
  mfaRecoveryCodesRegenerate: "mfa_recovery_codes_regenerate",
} as const;
export type AuditAction = (typeof auditActions)[keyof typeof auditActions];

export interface AuditRecord {
  userId: string | null;
  action: AuditAction;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
}

export class AuditLogRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.db("audit_logs").insert({
      id: randomUUID(),
      user_id: entry.userId,
      action: entry.action,
      ip: entry.ip ?? null,
      user_agent: entry.userAgent?.slice(0, 512) ?? null,
      details: JSON.stringify(entry.details ?? {}),
    });
  }

  async search(query: AuditLogQuery): Promise<AuditLogEntry[]> {
    const builder = this.db("audit_logs").orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]).limit(query.limit);
    if (query.user_id) builder.where({ user_id: query.user_id });
    if (query.action) builder.where({ action: query.action });
    const rows: { id: string; user_id: string | null; action: string; ip: string | null; user_agent: string | null; details: Record<string, unknown>; created_at: Date }[] = await builder;
    return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() }));
  }
}
