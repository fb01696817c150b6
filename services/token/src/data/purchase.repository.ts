import type { DurationHours } from "@tollgate/contracts";
import type { Knex } from "knex";
import { REPLAY_WINDOW_MS, type Purchase, type PurchaseStatus } from "../domain/purchase";
import type { Tx } from "./access-token.repository";
import type { NewPurchase, PurchaseRepositoryPort } from "../domain/purchase.repository.port";

interface PurchaseRow {
  id: string;
  user_id: string;
  idempotency_key: string | null;
  request_fingerprint: string;
  duration_hours: number;
  status: PurchaseStatus;
  token_id: string | null;
  amount: number | null;
  currency: string | null;
  price_id: string | null;
  sealed_response: Buffer | null;
  response_expires_at: Date | null;
  error_status: number | null;
  error_code: string | null;
  error_detail: string | null;
  created_at: Date;
}

const toPurchase = (row: PurchaseRow): Purchase => ({
  id: row.id,
  userId: row.user_id,
  idempotencyKey: row.idempotency_key,
  requestFingerprint: row.request_fingerprint,
  durationHours: row.duration_hours as DurationHours,
  status: row.status,
  tokenId: row.token_id,
  amount: row.amount,
  currency: row.currency,
  priceId: row.price_id,
  sealedResponse: row.sealed_response,
  responseExpiresAt: row.response_expires_at,
  error: row.error_status !== null && row.error_code !== null ? { statusCode: row.error_status, errorCode: row.error_code, detail: row.error_detail ?? "" } : null,
  createdAt: row.created_at,
});

/** The `purchases` table: one row per purchase attempt, the record the recovery sweep works from. */
export class PurchaseRepository implements PurchaseRepositoryPort {
  constructor(private readonly knex: Knex) {}

  async findByKey(userId: string, idempotencyKey: string): Promise<Purchase | undefined> {
    const row = await this.knex("purchases").where({ user_id: userId, idempotency_key: idempotencyKey }).first<PurchaseRow | undefined>("*");
    return row ? toPurchase(row) : undefined;
  }

  async findById(id: string, tx: Knex | Tx = this.knex, { forUpdate = false } = {}): Promise<Purchase | undefined> {
    const query = tx("purchases").where({ id }).first<PurchaseRow | undefined>("*");
    const row = await (forUpdate ? query.forUpdate() : query);
    return row ? toPurchase(row) : undefined;
  }

  /** Inserts a pending purchase; undefined when this user already used the key (the caller replays that one). */
  async insertPending(tx: Tx, purchase: NewPurchase): Promise<Purchase | undefined> {
    const [row] = await tx("purchases")
      .insert({ user_id: purchase.userId, idempotency_key: purchase.idempotencyKey, request_fingerprint: purchase.requestFingerprint, duration_hours: purchase.durationHours })
      .onConflict(tx.raw("(user_id, idempotency_key) WHERE idempotency_key IS NOT NULL"))
      .ignore()
      .returning<PurchaseRow[]>("*");
    return row ? toPurchase(row) : undefined;
  }

  async complete(tx: Tx, id: string, done: { tokenId: string; amount: number; currency: string; priceId: string; sealedResponse: Buffer; responseExpiresAt: Date }): Promise<void> {
    await tx("purchases").where({ id, status: "pending" }).update({
      status: "completed",
      token_id: done.tokenId,
      amount: done.amount,
      currency: done.currency,
      price_id: done.priceId,
      sealed_response: done.sealedResponse,
      response_expires_at: done.responseExpiresAt,
      updated_at: tx.fn.now(),
    });
  }

  /** Marks a pending purchase failed with the answer its key replays; false when it was no longer pending. */
  async fail(id: string, error: { statusCode: number; errorCode: string; detail: string }, tx: Knex | Tx = this.knex): Promise<boolean> {
    const updated = await tx("purchases")
      .where({ id, status: "pending" })
      .update({ status: "failed", error_status: error.statusCode, error_code: error.errorCode, error_detail: error.detail, response_expires_at: new Date(Date.now() + REPLAY_WINDOW_MS), updated_at: tx.fn.now() });
    return updated > 0;
  }

  /** Up to `limit` purchases pending for more than `olderThanSeconds`, locked; others sweeping at once skip them. */
  async lockStalePending(tx: Tx, olderThanSeconds: number, limit: number): Promise<Purchase[]> {
    const rows = await tx("purchases")
      .where({ status: "pending" })
      .whereRaw("created_at < now() - make_interval(secs => ?)", [olderThanSeconds])
      .orderBy("created_at")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select<PurchaseRow[]>("*");
    return rows.map(toPurchase);
  }

  /** Forgets answers past their replay window: the sealed body goes, and the key may be used again. Returns how many. */
  async forgetExpiredResponses(): Promise<number> {
    return this.knex("purchases")
      .whereNotNull("response_expires_at")
      .where("response_expires_at", "<", this.knex.fn.now())
      .update({ sealed_response: null, response_expires_at: null, idempotency_key: null });
  }
}
