import type { Knex } from "knex";
import type { Tx } from "./access-token.repository";
import type { TokenRefund, TokenRefundRepositoryPort } from "../domain/token-refund.repository.port";

interface TokenRefundRow {
  token_id: string;
  purchase_id: string;
  user_id: string;
  status: "requested" | "completed";
  amount: number | null;
  currency: string | null;
}

const toTokenRefund = (row: TokenRefundRow): TokenRefund => ({
  tokenId: row.token_id,
  purchaseId: row.purchase_id,
  userId: row.user_id,
  status: row.status,
  amount: row.amount,
  currency: row.currency,
});

/** The `token_refunds` table: the record the sweep finishes a refund from after a crash. */
export class TokenRefundRepository implements TokenRefundRepositoryPort {
  constructor(private readonly knex: Knex) {}

  async insert(tx: Tx, refund: { tokenId: string; purchaseId: string; userId: string }): Promise<void> {
    await tx("token_refunds").insert({ token_id: refund.tokenId, purchase_id: refund.purchaseId, user_id: refund.userId });
  }

  async findByToken(tokenId: string): Promise<TokenRefund | undefined> {
    const row = await this.knex("token_refunds").where({ token_id: tokenId }).first<TokenRefundRow | undefined>("*");
    return row ? toTokenRefund(row) : undefined;
  }

  async complete(tokenId: string, money: { amount: number; currency: string }): Promise<void> {
    await this.knex("token_refunds").where({ token_id: tokenId }).update({ status: "completed", amount: money.amount, currency: money.currency, completed_at: this.knex.fn.now() });
  }

  async withdraw(tokenId: string): Promise<void> {
    await this.knex("token_refunds").where({ token_id: tokenId, status: "requested" }).delete();
  }

  /** Refunds requested more than `olderThanSeconds` ago and still unfinished (a crash between the two steps). */
  async listUnfinished(olderThanSeconds: number, limit: number): Promise<TokenRefund[]> {
    const rows = await this.knex("token_refunds")
      .where({ status: "requested" })
      .whereRaw("created_at < now() - make_interval(secs => ?)", [olderThanSeconds])
      .orderBy("created_at")
      .limit(limit)
      .select<TokenRefundRow[]>("*");
    return rows.map(toTokenRefund);
  }
}
