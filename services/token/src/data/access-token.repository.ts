import type { Knex } from "knex";
import type { AccessToken } from "../domain/access-token";

export type Tx = Knex.Transaction;

interface AccessTokenRow {
  id: string;
  user_id: string;
  token_sha256: string;
  duration_hours: number;
  created_at: Date;
  activated_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
}

const toAccessToken = (row: AccessTokenRow): AccessToken => ({
  id: row.id,
  userId: row.user_id,
  tokenSha256: row.token_sha256,
  durationHours: row.duration_hours,
  createdAt: row.created_at,
  activatedAt: row.activated_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  revokeReason: row.revoke_reason,
});

/** Pending (never used) or active (used, not yet expired), and not revoked. */
const live = (query: Knex.QueryBuilder) => query.whereNull("revoked_at").whereRaw("(expires_at IS NULL OR expires_at > now())");

export class AccessTokenRepository {
  constructor(private readonly knex: Knex) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.knex.transaction(work);
  }

  /** Serialises purchases of one user so the per-user cap holds under concurrency. */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`token-cap:${userId}`]);
  }

  async countLive(tx: Tx, userId: string): Promise<number> {
    const [row] = await live(tx("access_tokens").where({ user_id: userId })).count<{ count: string }[]>("* as count");
    return Number(row?.count ?? 0);
  }

  async insert(tx: Tx, token: { userId: string; tokenSha256: string; durationHours: number }): Promise<AccessToken> {
    const [row] = await tx("access_tokens")
      .insert({ user_id: token.userId, token_sha256: token.tokenSha256, duration_hours: token.durationHours })
      .returning<AccessTokenRow[]>("*");
    return toAccessToken(row as AccessTokenRow);
  }

  async listForUser(userId: string, liveOnly: boolean): Promise<AccessToken[]> {
    const query = this.knex("access_tokens").where({ user_id: userId }).orderBy("created_at", "desc").limit(500);
    const rows = await (liveOnly ? live(query) : query).select<AccessTokenRow[]>("*");
    return rows.map(toAccessToken);
  }

  async findById(id: string, tx: Knex | Tx = this.knex, { forUpdate = false } = {}): Promise<AccessToken | undefined> {
    const query = tx("access_tokens").where({ id }).first<AccessTokenRow | undefined>("*");
    const row = await (forUpdate ? query.forUpdate() : query);
    return row ? toAccessToken(row) : undefined;
  }

  async findByHash(tokenSha256: string, tx: Knex | Tx = this.knex): Promise<AccessToken | undefined> {
    const row = await tx("access_tokens").where({ token_sha256: tokenSha256 }).first<AccessTokenRow | undefined>("*");
    return row ? toAccessToken(row) : undefined;
  }

  /**
   * First use, in one statement: only a pending, unrevoked token changes, so however many
   * validations race, exactly one of them gets the row back.
   */
  async activate(tx: Tx, tokenSha256: string): Promise<AccessToken | undefined> {
    const [row] = await tx("access_tokens")
      .where({ token_sha256: tokenSha256 })
      .whereNull("activated_at")
      .whereNull("revoked_at")
      .update({
        activated_at: tx.raw("now()"),
        expires_at: tx.raw("now() + make_interval(hours => duration_hours)"),
      })
      .returning<AccessTokenRow[]>("*");
    return row ? toAccessToken(row) : undefined;
  }

  /** Revokes one token unless it already is; returns it only when this call revoked it. */
  async revoke(tx: Tx, id: string, reason: string): Promise<AccessToken | undefined> {
    const [row] = await tx("access_tokens")
      .where({ id })
      .whereNull("revoked_at")
      .update({ revoked_at: tx.raw("now()"), revoke_reason: reason })
      .returning<AccessTokenRow[]>("*");
    return row ? toAccessToken(row) : undefined;
  }

  /** Revokes every pending or active token of a user; returns those this call revoked. */
  async revokeAllLive(tx: Tx, userId: string, reason: string): Promise<AccessToken[]> {
    const rows = await live(tx("access_tokens").where({ user_id: userId }))
      .update({ revoked_at: tx.raw("now()"), revoke_reason: reason })
      .returning<AccessTokenRow[]>("*");
    return rows.map(toAccessToken);
  }
}
