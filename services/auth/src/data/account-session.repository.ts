import type { Knex } from "knex";
import type { LiveSession, AccountSessionRepositoryPort } from "../domain/account-session.repository.port";

/** What a user may see of their own sessions (the `sessions` table; SessionRepository changes them). */
export class AccountSessionRepository implements AccountSessionRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * Sessions that a refresh would still accept at `at`: not revoked, before their absolute
   * expiry, used within `idleTimeoutSeconds`. Most recently used first, at most `limit`.
   */
  async listLive(userId: string, at: Date, idleTimeoutSeconds: number, limit: number): Promise<LiveSession[]> {
    const rows: { id: string; created_at: Date; last_used_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }[] = await this.db("sessions")
      .select("id", "created_at", "last_used_at", "expires_at", "ip", "user_agent")
      .where({ user_id: userId })
      .whereNull("revoked_at")
      .where("expires_at", ">", at)
      .where("last_used_at", ">", new Date(at.getTime() - idleTimeoutSeconds * 1000))
      .orderBy([{ column: "last_used_at", order: "desc" }, { column: "id", order: "desc" }])
      .limit(limit);
    return rows.map((row) => ({ id: row.id, createdAt: row.created_at, lastUsedAt: row.last_used_at, expiresAt: row.expires_at, ip: row.ip, userAgent: row.user_agent }));
  }
}
