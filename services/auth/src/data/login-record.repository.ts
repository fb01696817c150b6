import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { ClientInfo } from "../domain/session-tokens";
import { auditActions, type AuditAction } from "./audit-log.repository";

export interface LoginRecord {
  sessionId: string;
  userId: string;
  firstTokenSha256: string;
  expiresAt: Date;
  at: Date;
  client: ClientInfo;
  /** The audit row's action and extra details: `login_success` unless the login came another way (`oauth_login`). */
  audit?: { action: AuditAction; details: Record<string, unknown> };
}

/**
 * Everything a successful login writes — the session, its first refresh token, `last_login_at`
 * and the audit row — in one statement: one round trip and one commit instead of six, which is
 * most of a login's cost outside argon2 (measured with the login-storm bench).
 */
export class LoginRecordRepository {
  constructor(private readonly db: Knex) {}

  async record(login: LoginRecord): Promise<void> {
    const userAgent = login.client.userAgent?.slice(0, 512) ?? null;
    await this.db.raw(
      `WITH new_session AS (
         INSERT INTO sessions (id, user_id, expires_at, ip, user_agent, created_at, last_used_at) VALUES (:sessionId, :userId, :expiresAt, :ip, :userAgent, :at, :at) RETURNING id
       ), first_token AS (
         INSERT INTO refresh_tokens (token_sha256, session_id, generation, created_at) SELECT :tokenSha256, id, 0, :at FROM new_session
       ), touched AS (
         UPDATE users SET last_login_at = :at WHERE id = :userId
       )
       INSERT INTO audit_logs (id, user_id, action, ip, user_agent, details, created_at) VALUES (:auditId, :userId, :action, :ip, :userAgent, :details, :at)`,
      {
        sessionId: login.sessionId,
        userId: login.userId,
        expiresAt: login.expiresAt,
        ip: login.client.ip,
        userAgent,
        at: login.at,
        tokenSha256: login.firstTokenSha256,
        auditId: randomUUID(),
        action: login.audit?.action ?? auditActions.loginSuccess,
        details: JSON.stringify({ ...login.audit?.details, session_id: login.sessionId }),
      },
    );
  }
}
