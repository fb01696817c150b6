import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { auditActions } from "../domain/audit-log.port";
import type { LoginRecord, LoginRecorderPort } from "../domain/login-record.port";
import { runNamed } from "./named-statement";

/**
 * A named statement: Postgres parses and plans it once per pooled connection instead of at every
 * login (its four writes took about 0.3 ms of database CPU a login to parse and plan, measured
 * against the same statement unnamed). It returns no rows, so a migration that adds columns cannot
 * invalidate the cached plan's result type; its row count says whether the session was written.
 *
 * Everything hangs off the UPDATE of the user row, which only matches a user who is not disabled
 * *now*: it waits for a disable in progress and then sees its outcome (READ COMMITTED re-reads the
 * newest version of a row it had to wait for), and while this statement holds the row a disable
 * waits for it, so the disable's revocation sees the new session. Before, the session was written
 * unconditionally after the use case had checked the user: a disable committed in between (during
 * argon2, or between an OAuth sign-in's account lookup and this write) revoked every session but
 * this one, which lived on with no `session.revoked` for it.
 *
 * A password login also requires that the password it verified is still the user's. Before, a
 * password change committed while the login ran argon2 (revoking the user's other sessions) left
 * the login writing a session opened with the old password after it (in
 * `test/login-password-change-race.test.ts`, 50 of 50 crossings with the change landing during
 * argon2, 2 to 4 of 50 unheld ones). The stored value can carry microseconds, a JS Date only
 * milliseconds, hence `date_trunc`; every password change moves it by at least a millisecond
 * (`UserRepository.updatePassword`).
 */
const RECORD_LOGIN = {
  name: "auth_record_login_v3",
  text: `WITH usable_user AS (
    UPDATE users SET last_login_at = $6 WHERE id = $2 AND disabled_at IS NULL
      AND (NOT $11::boolean OR date_trunc('milliseconds', password_changed_at) IS NOT DISTINCT FROM $12::timestamptz)
    RETURNING id
  ), new_session AS (
    INSERT INTO sessions (id, user_id, expires_at, ip, user_agent, created_at, last_used_at)
    SELECT $1::uuid, id, $3::timestamptz, $4::text, $5::text, $6::timestamptz, $6::timestamptz FROM usable_user RETURNING id
  ), first_token AS (
    INSERT INTO refresh_tokens (token_sha256, session_id, generation, created_at) SELECT $7::text, id, 0, $6::timestamptz FROM new_session
  )
  INSERT INTO audit_logs (id, user_id, action, ip, user_agent, details, created_at)
  SELECT $8::uuid, $2::uuid, $9::text, $4::text, $5::text, $10::jsonb, $6::timestamptz FROM new_session`,
};

/**
 * Everything a successful login writes — the session, its first refresh token, `last_login_at`
 * and the audit row — in one statement: one round trip and one commit instead of six, which is
 * most of a login's cost outside argon2 (measured with the login-storm bench).
 */
export class LoginRecordRepository implements LoginRecorderPort {
  constructor(private readonly db: Knex) {}

  /**
   * Writes the session unless, by now, the user is disabled (or gone) or, for a password login,
   * the password changed; false when it was not written.
   */
  async record(login: LoginRecord): Promise<boolean> {
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
      login.verifiedPassword !== undefined,
      login.verifiedPassword?.changedAt ?? null,
    ];
    const result = await runNamed(this.db, RECORD_LOGIN, values);
    return result.rowCount === 1;
  }
}
