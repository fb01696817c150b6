import type { Knex } from "knex";
import type { Session, SessionRecord, RefreshTokenRecord, SessionRepositoryPort } from "../domain/session.repository.port";

interface SessionRow {
  id: string;
  user_id: string;
  generation: number;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

const toSession = (row: SessionRow): Session => ({
  id: row.id,
  userId: row.user_id,
  generation: row.generation,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

export class SessionRepository implements SessionRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async findRefreshToken(tokenSha256: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db("refresh_tokens").where({ token_sha256: tokenSha256 }).first();
    return row && { tokenSha256: row.token_sha256, sessionId: row.session_id, generation: row.generation, rotatedAt: row.rotated_at, successorSealed: row.successor_sealed };
  }

  /** Locks the session row for the rest of the transaction: concurrent refreshes queue here. */
  async lock(id: string): Promise<Session | undefined> {
    const row = await this.db<SessionRow>("sessions").where({ id }).forUpdate().first();
    return row && toSession(row);
  }

  async findById(id: string): Promise<Session | undefined> {
    const row = await this.db<SessionRow>("sessions").where({ id }).first();
    return row && toSession(row);
  }

  async rotate(sessionId: string, from: { tokenSha256: string; successorSealed: string }, to: { tokenSha256: string; generation: number }, at: Date): Promise<void> {
    await this.db("refresh_tokens").where({ token_sha256: from.tokenSha256 }).update({ rotated_at: at, successor_sealed: from.successorSealed });
    await this.db("refresh_tokens").insert({ token_sha256: to.tokenSha256, session_id: sessionId, generation: to.generation });
    await this.db("sessions").where({ id: sessionId }).update({ generation: to.generation, last_used_at: at });
  }

  async touch(sessionId: string, at: Date): Promise<void> {
    await this.db("sessions").where({ id: sessionId }).update({ last_used_at: at });
  }

  /** Revokes and returns the ids that were still active. */
  async revoke(where: { id: string } | { userId: string; exceptId?: string }, reason: string, at: Date): Promise<string[]> {
    const query = this.db("sessions").whereNull("revoked_at");
    if ("id" in where) query.where({ id: where.id });
    else {
      query.where({ user_id: where.userId });
      if (where.exceptId) query.whereNot({ id: where.exceptId });
    }
    const rows: { id: string }[] = await query.update({ revoked_at: at, revoke_reason: reason }).returning("id");
    // Sealed successors are only needed inside the grace window of a live session.
    if (rows.length > 0) await this.db("refresh_tokens").whereIn("session_id", rows.map((row) => row.id)).update({ successor_sealed: null });
    return rows.map((row) => row.id);
  }

  async isRevoked(id: string): Promise<boolean> {
    const row = await this.db("sessions").select("revoked_at").where({ id }).first();
    return !row || row.revoked_at !== null;
  }

  /** Sessions neither revoked nor past their absolute lifetime, newest first. */
  async listLive(userId: string, limit: number): Promise<SessionRecord[]> {
    const rows: { id: string; created_at: Date; last_used_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }[] = await this.db("sessions")
      .select("id", "created_at", "last_used_at", "expires_at", "ip", "user_agent")
      .where({ user_id: userId })
      .whereNull("revoked_at")
      .where("expires_at", ">", this.db.fn.now())
      .orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }])
      .limit(limit);
    return rows.map((row) => ({ id: row.id, createdAt: row.created_at, lastUsedAt: row.last_used_at, expiresAt: row.expires_at, ip: row.ip, userAgent: row.user_agent }));
  }
}
