import { afterCommit, keysetPage, OUTBOX_TABLE, outboxRow, SORT_AT, type OutboxMessage, type OutboxNotifier } from "@tollgate/service-kit";
import type { Knex } from "knex";
import type { PagePosition, TokenStatus } from "@tollgate/contracts";
import { REFUNDED_REASON, USER_DISABLED_REASON, type AccessToken } from "../domain/access-token";
import type { AccessTokenRepositoryPort } from "../domain/access-token.repository.port";

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
  purchase_id: string | null;
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
  purchaseId: row.purchase_id,
});

/** Each status as a condition on the row (the statuses tokenStatus derives, with the database's clock). */
const inStatus = (query: Knex.QueryBuilder, status: TokenStatus): Knex.QueryBuilder => {
  if (status === "refunded") return query.where({ revoke_reason: REFUNDED_REASON });
  if (status === "revoked") return query.whereNotNull("revoked_at").whereRaw("revoke_reason IS DISTINCT FROM ?", [REFUNDED_REASON]);
  query.whereNull("revoked_at");
  if (status === "pending") return query.whereNull("activated_at");
  return status === "active" ? query.whereRaw("expires_at > now()") : query.whereRaw("expires_at <= now()");
};

/** Pending (never used) or active (used, not yet expired), and not revoked. */
const live = (query: Knex.QueryBuilder) => query.whereNull("revoked_at").whereRaw("(expires_at IS NULL OR expires_at > now())");

export class AccessTokenRepository implements AccessTokenRepositoryPort {
  constructor(
    private readonly knex: Knex,
    private readonly outbox: OutboxNotifier,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.knex.transaction(work);
  }

  afterCommit(tx: Tx, effect: () => void): void {
    afterCommit(tx, effect);
  }

  /** Serialises purchases of one user so the per-user cap holds under concurrency. */
  async lockUser(tx: Tx, userId: string): Promise<void> {
    await tx.raw("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [`token-cap:${userId}`]);
  }

  async countLive(tx: Tx, userId: string): Promise<number> {
    const [row] = await live(tx("access_tokens").where({ user_id: userId })).count<{ count: string }[]>("* as count");
    return Number(row?.count ?? 0);
  }

  async insert(tx: Tx, token: { userId: string; tokenSha256: string; durationHours: number; purchaseId?: string }): Promise<AccessToken> {
    const [row] = await tx("access_tokens")
      .insert({ user_id: token.userId, token_sha256: token.tokenSha256, duration_hours: token.durationHours, purchase_id: token.purchaseId ?? null })
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

  async findByHash(tokenSha256: string): Promise<AccessToken | undefined> {
    const row = await this.knex("access_tokens").where({ token_sha256: tokenSha256 }).first<AccessTokenRow | undefined>("*");
    return row ? toAccessToken(row) : undefined;
  }

  /**
   * First use, in one statement: only a pending, unrevoked token changes, so however many
   * validations race, exactly one of them gets the row back. The same statement writes that
   * one's `token.activated` event to the outbox, so the activation and its event commit together
   * in one round trip; the relay is woken once it has committed.
   */
  async activate(tokenSha256: string, activation: { activatedAt: Date; expiresAt: Date; event: OutboxMessage }): Promise<AccessToken | undefined> {
    const row = outboxRow(activation.event);
    const result = await this.knex.raw<{ rows: AccessTokenRow[] }>(
      `WITH activated AS (
         UPDATE access_tokens SET activated_at = ?, expires_at = ?
         WHERE token_sha256 = ? AND activated_at IS NULL AND revoked_at IS NULL
         RETURNING *
       ), written AS (
         INSERT INTO ${OUTBOX_TABLE} (event_id, topic, message_key, payload) SELECT ?, ?, ?, ? FROM activated
       )
       SELECT * FROM activated`,
      [activation.activatedAt, activation.expiresAt, tokenSha256, row.event_id, row.topic, row.message_key, row.payload],
    );
    const [activated] = result.rows;
    if (!activated) return undefined;
    this.outbox.announce();
    return toAccessToken(activated);
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

  /**
   * Marks a never-used token `refunded` (revoked with that reason; one revoked before keeps its
   * `revoked_at`), as `isRefundable` allows; undefined when it is not refundable.
   */
  async markRefunded(tx: Tx, id: string): Promise<AccessToken | undefined> {
    const [row] = await tx("access_tokens")
      .where({ id })
      .whereNull("activated_at")
      .where((q) => q.whereNull("revoked_at").orWhereRaw("coalesce(revoke_reason, '') NOT IN (?, ?)", [REFUNDED_REASON, USER_DISABLED_REASON]))
      .update({ revoked_at: tx.raw("coalesce(revoked_at, now())"), revoke_reason: REFUNDED_REASON })
      .returning<AccessTokenRow[]>("*");
    return row ? toAccessToken(row) : undefined;
  }

  async markPurchaseRefunded(tx: Tx, purchaseId: string): Promise<{ before: AccessToken; after: AccessToken } | undefined> {
    const row = await tx("access_tokens").where({ purchase_id: purchaseId }).forUpdate().first<AccessTokenRow | undefined>("*");
    if (!row || row.revoke_reason === REFUNDED_REASON) return undefined;
    const [updated] = await tx("access_tokens")
      .where({ id: row.id })
      .update({ revoked_at: tx.raw("coalesce(revoked_at, now())"), revoke_reason: REFUNDED_REASON })
      .returning<AccessTokenRow[]>("*");
    return { before: toAccessToken(row), after: toAccessToken(updated as AccessTokenRow) };
  }

  /** One page of the admin list, newest first (see `keysetPage`); filters optional. */
  async page(filter: { userId?: string; status?: TokenStatus }, after: PagePosition | undefined, limit: number): Promise<{ tokens: AccessToken[]; next: PagePosition | undefined }> {
    const query = this.knex("access_tokens").select("*", this.knex.raw(`${SORT_AT} AS sort_at`));
    if (filter.userId) query.where({ user_id: filter.userId });
    if (filter.status) inStatus(query, filter.status);
    const page = await keysetPage<AccessTokenRow & { sort_at: string }>(query, after, limit);
    return { tokens: page.rows.map(toAccessToken), next: page.next };
  }

  /** Revokes every pending or active token of a user; returns those this call revoked. */
  async revokeAllLive(tx: Tx, userId: string, reason: string): Promise<AccessToken[]> {
    const rows = await live(tx("access_tokens").where({ user_id: userId }))
      .update({ revoked_at: tx.raw("now()"), revoke_reason: reason })
      .returning<AccessTokenRow[]>("*");
    return rows.map(toAccessToken);
  }
}
