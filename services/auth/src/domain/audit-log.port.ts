import type { AuditLogEntry, AuditLogQuery, AuditRecordedV1, PagePosition } from "@tollgate/contracts";

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
  /** Administration: changes an admin (or create-admin, BOOTSTRAP_ADMIN_EMAIL) made, and what an admin read. */
  userEnabled: "user_enabled",
  roleGranted: "role_granted",
  roleRemoved: "role_removed",
  adminSessionRevoked: "admin_session_revoked",
  adminSessionsRevoked: "admin_sessions_revoked",
  usersListed: "users_listed",
  userViewed: "user_viewed",
  auditLogRead: "audit_log_read",
} as const;

export type AuditAction = (typeof auditActions)[keyof typeof auditActions];

/** Who acted: a user, the service itself (start-up, consumers), or an operator's command. */
export type AuditActor = { type: "user"; id: string } | { type: "system" } | { type: "cli" };

export interface AuditRecord {
  userId: string | null;
  action: AuditAction;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
  /** Unset: not recorded (the subject acting on their own account, or entries from before actors were kept). */
  actor?: AuditActor;
}

/** The audit log; data/audit-log.repository.ts implements it. */
export interface AuditLogPort {
  record(entry: AuditRecord): Promise<void>;
  /**
   * The entry another service sent as `audit.recorded`; `source` names that service. It is dated
   * when it arrives here (when it happened there is `details.occurred_at`), so it joins the log at
   * its newest end rather than behind pages a reader has already passed.
   */
  recordFrom(source: string, eventId: string, record: AuditRecordedV1): Promise<void>;
  /** Newest first, keyset-paged (see `keysetPage`); every filter of the query must match. */
  search(query: AuditLogQuery): Promise<{
    entries: AuditLogEntry[];
    next: PagePosition | undefined;
  }>;
}
