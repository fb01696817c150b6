import type { AuditAction } from "./audit-log.port";
import type { ClientInfo } from "./session-tokens";

export interface LoginRecord {
  sessionId: string;
  userId: string;
  firstTokenSha256: string;
  expiresAt: Date;
  at: Date;
  client: ClientInfo;
  /** The audit row's action and extra details: `login_success` unless the login came another way (`oauth_login`). */
  audit?: { action: AuditAction; details: Record<string, unknown> };
  /**
   * A password login: the user's `password_changed_at` as read with the hash it verified. The
   * session is written only if it is still the same (the password checked is still the
   * password). Absent for sign-ins that checked no password (OAuth).
   */
  verifiedPassword?: { changedAt: Date | null };
}

/** Writes a successful login in one go; data/login-record.repository.ts implements it. */
export interface LoginRecorderPort {
  /**
   * Writes the session unless, by now, the user is disabled (or gone) or, for a password login,
   * the password changed; false when it was not written.
   */
  record(login: LoginRecord): Promise<boolean>;
}
