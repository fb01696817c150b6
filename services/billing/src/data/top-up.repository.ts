import type { Knex } from "knex";
import type { TopUp } from "../domain/top-up";
import type { ReportedReversal, TopUpRepositoryPort } from "../domain/top-up.repository.port";
import { toAmount, type Tx } from "./billing-rows";

interface TopUpRow {
  id: string;
  user_id: string;
  amount: string;
  currency: string;
  provider: TopUp["provider"];
  status: TopUp["status"];
  checkout_session_id: string | null;
  checkout_url: string | null;
  payment_intent_id: string | null;
  credited_at: Date | null;
  refunded_amount: string;
  disputed_amount: string;
}

const toTopUp = (row: TopUpRow): TopUp => ({
  id: row.id,
  userId: row.user_id,
  amount: toAmount(row.amount),
  currency: row.currency,
  provider: row.provider,
  status: row.status,
  checkoutSessionId: row.checkout_session_id,
  checkoutUrl: row.checkout_url,
  paymentIntentId: row.payment_intent_id,
  creditedAt: row.credited_at,
  refundedAmount: toAmount(row.refunded_amount),
  disputedAmount: toAmount(row.disputed_amount),
});

/** Top-ups and the provider's reported reversals (refunds, disputes) per payment intent. */
export class TopUpRepository implements TopUpRepositoryPort {
  constructor(private readonly knex: Knex) {}

  async insert(topUp: { id: string; userId: string; amount: number; currency: string; provider: TopUp["provider"] }, db: Knex | Tx = this.knex): Promise<void> {
    await db("top_ups").insert({ id: topUp.id, user_id: topUp.userId, amount: topUp.amount, currency: topUp.currency, provider: topUp.provider, status: "open" });
  }

  async attachCheckout(id: string, session: { id: string; url: string | null }): Promise<void> {
    await this.knex("top_ups").where({ id }).update({ checkout_session_id: session.id, checkout_url: session.url });
  }

  /** The top-up, locked until the transaction ends (every credit and reversal of it goes through this lock). */
  async lock(tx: Tx, where: { id: string } | { paymentIntentId: string }): Promise<TopUp | undefined> {
    const row = await tx("top_ups").where("id" in where ? { id: where.id } : { payment_intent_id: where.paymentIntentId }).forUpdate().first<TopUpRow | undefined>("*");
    return row ? toTopUp(row) : undefined;
  }

  async linkPaymentIntent(tx: Tx, id: string, paymentIntentId: string): Promise<void> {
    await tx("top_ups").where({ id }).whereNull("payment_intent_id").update({ payment_intent_id: paymentIntentId });
  }

  async markCredited(tx: Tx, id: string, transactionId: string): Promise<void> {
    await tx("top_ups").where({ id }).update({ status: "succeeded", credit_transaction_id: transactionId, credited_at: tx.fn.now() });
  }

  async addReversed(tx: Tx, id: string, reversed: ReportedReversal): Promise<void> {
    await tx("top_ups").where({ id }).update({ refunded_amount: reversed.refundedAmount, disputed_amount: reversed.disputedAmount });
  }

  /**
   * Raises what the provider reports taken back from a payment intent (cumulative amounts never go
   * down) and returns the row, locked: credits and reversals of one payment intent serialise here.
   */
  async reportReversal(tx: Tx, paymentIntentId: string, reported: Partial<ReportedReversal>): Promise<ReportedReversal> {
    const result = await tx.raw<{ rows: { refunded_amount: string; disputed_amount: string }[] }>(
      `INSERT INTO payment_reversals (payment_intent_id, refunded_amount, disputed_amount) VALUES (?, ?, ?)
       ON CONFLICT (payment_intent_id) DO UPDATE SET
         refunded_amount = GREATEST(payment_reversals.refunded_amount, EXCLUDED.refunded_amount),
         disputed_amount = GREATEST(payment_reversals.disputed_amount, EXCLUDED.disputed_amount),
         updated_at = now()
       RETURNING refunded_amount, disputed_amount`,
      [paymentIntentId, reported.refundedAmount ?? 0, reported.disputedAmount ?? 0],
    );
    const row = result.rows[0];
    return { refundedAmount: toAmount(row?.refunded_amount ?? null), disputedAmount: toAmount(row?.disputed_amount ?? null) };
  }
}
