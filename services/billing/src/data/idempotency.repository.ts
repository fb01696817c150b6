import type { Knex } from "knex";
import type { IdempotencyRecord, IdempotencyRepositoryPort, IdempotentRequest, StoredAnswer } from "../domain/idempotency.repository.port";
import type { Tx } from "./billing-rows";

interface IdempotencyRow {
  request_fingerprint: string;
  status: "in_progress" | "completed";
  response_status: number | null;
  response_body: unknown;
}

/** The `idempotency_keys` table: one row per caller and key, its first answer kept until `expires_at`. */
export class IdempotencyRepository implements IdempotencyRepositoryPort {
  constructor(private readonly knex: Knex) {}

  async claim(tx: Tx, request: IdempotentRequest, replayWindowSeconds: number, staleAfterSeconds: number): Promise<boolean> {
    const result = await tx.raw<{ rows: unknown[] }>(
      `INSERT INTO idempotency_keys (caller_id, idempotency_key, request_fingerprint, status, expires_at)
       VALUES (?, ?, ?, 'in_progress', now() + make_interval(secs => ?))
       ON CONFLICT (caller_id, idempotency_key) DO UPDATE
         SET request_fingerprint = EXCLUDED.request_fingerprint, status = 'in_progress', response_status = NULL, response_body = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at < now()
            OR (idempotency_keys.status = 'in_progress' AND idempotency_keys.created_at < now() - make_interval(secs => ?))
       RETURNING 1`,
      [request.callerId, request.key, request.fingerprint, replayWindowSeconds, staleAfterSeconds],
    );
    return result.rows.length > 0;
  }

  async find(tx: Tx | undefined, callerId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await (tx ?? this.knex)("idempotency_keys").where({ caller_id: callerId, idempotency_key: key }).first<IdempotencyRow | undefined>("request_fingerprint", "status", "response_status", "response_body");
    if (!row) return undefined;
    return {
      fingerprint: row.request_fingerprint,
      status: row.status,
      answer: row.response_status === null ? null : { status: row.response_status, body: row.response_body },
    };
  }

  async complete(tx: Tx | undefined, request: IdempotentRequest, answer: StoredAnswer): Promise<void> {
    await (tx ?? this.knex)("idempotency_keys")
      .where({ caller_id: request.callerId, idempotency_key: request.key })
      .update({ status: "completed", response_status: answer.status, response_body: JSON.stringify(answer.body) });
  }

  async release(request: IdempotentRequest): Promise<void> {
    await this.knex("idempotency_keys").where({ caller_id: request.callerId, idempotency_key: request.key, status: "in_progress" }).delete();
  }
}
