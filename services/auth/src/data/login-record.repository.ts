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

/** The part of a pg client this repository uses (knex's pool holds pg clients). */
interface PgConnection {
  query(statement: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/**
 * A named statement: Postgres parses and plans it once per pooled connection instead of at every
 * login (its four writes took about 0.3 ms of database CPU a login to parse and plan, measured
 * against the same statement unnamed). It returns no rows, so a migration that adds columns cannot invalidate
 * the cached plan's result type.
 */
const RECORD_LOGIN = {
  name: "auth_record_login_v1",
  text: `WITH new_session AS (
    INSERT INTO sessions (id, user_id, expires_at, ip, user_agent, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id
  ), first_token AS (
    INSERT INTO refresh_tokens (token_sha256, session_id, generation, created_at) SELECT $7, id, 0, $6 FROM new_session
  ), touched AS (
    UPDATE users SET last_login_at = $6 WHERE id = $2
  )
  INSERT INTO audit_logs (id, user_id, action, ip, user_agent, details, created_at) VALUES ($8, $2, $9, $4, $5, $10, $6)`,
};

/**
 * Everything a successful login writes — the session, its first refresh token, `last_login_at`
 * and the audit row — in one statement: one round trip and one commit instead of six, which is
 * most of a login's cost outside argon2 (measured with the login-storm bench).
 */
export class LoginRecordRepository {
  constructor(private readonly db: Knex) {}

  async record(login: LoginRecord): Promise<void> {
    const userAgent = login.client.userAgent?.slice(0, 512) ?? null;
    const values = [
      login.sessionId,
      login.userId,
      login.expiresAt,
      login.client.ip,
      userAgent,
      login.at,
      login.firstTokenSha256,
      randomUUID(),
      login.audit?.action ?? auditActions.loginSuccess,
      JSON.stringify({ ...login.audit?.details, session_id: login.sessionId }),
    ];
    // knex has no named statements: borrow a pooled connection the way knex's own runner does.
    const connection = (await this.db.client.acquireConnection()) as PgConnection;
    try {
      await connection.query({ ...RECORD_LOGIN, values });
    } finally {
      await this.db.client.releaseConnection(connection);
    }
  }
}
