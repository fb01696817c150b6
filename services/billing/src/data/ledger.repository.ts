import type { PagePosition } from "@tollgate/contracts";
import { keysetPage, SORT_AT } from "@tollgate/service-kit";
import type { Knex } from "knex";
import { accounts, type LedgerKind, type LedgerTransaction, type Movement, type PostedMovement, type ReferenceType } from "../domain/ledger";
import type { LedgerRepositoryPort, WalletBalance } from "../domain/ledger.repository.port";
import { toAmount, type Tx } from "./billing-rows";

interface TransactionRow {
  id: string;
  kind: LedgerKind;
  user_id: string;
  currency: string;
  amount: string;
  reference_type: ReferenceType;
  reference_id: string;
  description: string;
  created_at: Date;
}

const toTransaction = (row: TransactionRow): LedgerTransaction => ({
  id: row.id,
  kind: row.kind,
  userId: row.user_id,
  amount: toAmount(row.amount),
  currency: row.currency,
  reference: { type: row.reference_type, id: row.reference_id },
  description: row.description,
  createdAt: row.created_at,
});

/** The ledger and the wallet balances kept beside it, always written together. */
export class LedgerRepository implements LedgerRepositoryPort {
  constructor(private readonly knex: Knex) {}

  /**
   * Posts a movement in the caller's transaction: the wallet's balance first (a debit with funds
   * `required` only if `balance >= -amount`, in the same UPDATE, so concurrent debits serialise on
   * the wallet row and none overdraws it), then the ledger transaction and its two entries.
   * Returns undefined, having written nothing, when the funds were required and are not there.
   */
  async post(tx: Tx, movement: Movement): Promise<PostedMovement | undefined> {
    if (!Number.isSafeInteger(movement.amount) || movement.amount === 0) throw new Error(`a movement needs a non-zero integer amount, got ${movement.amount}`);
    const wallet = movement.funds === "required" && movement.amount < 0 ? await this.debitCovered(tx, movement) : await this.addToBalance(tx, movement);
    if (!wallet) return undefined;
    const [row] = await tx("ledger_transactions")
      .insert({
        kind: movement.kind,
        user_id: movement.userId,
        currency: movement.currency,
        amount: movement.amount,
        reference_type: movement.reference.type,
        reference_id: movement.reference.id,
        description: movement.description,
      })
      .returning<{ id: string; created_at: Date }[]>(["id", "created_at"]);
    const transaction = row as { id: string; created_at: Date };
    await tx("ledger_entries").insert([
      { transaction_id: transaction.id, account: accounts.wallet(movement.userId, movement.currency), currency: movement.currency, amount: movement.amount },
      { transaction_id: transaction.id, account: movement.counterAccount, currency: movement.currency, amount: -movement.amount },
    ]);
    return { ...movement, transactionId: transaction.id, balanceAfter: wallet.balance, createdAt: transaction.created_at };
  }

  private async debitCovered(tx: Tx, movement: Movement): Promise<{ balance: number } | undefined> {
    const [row] = await tx("wallets")
      .where({ user_id: movement.userId, currency: movement.currency })
      .andWhere("balance", ">=", -movement.amount)
      .update({ balance: tx.raw("balance + ?", [movement.amount]), updated_at: tx.fn.now() })
      .returning<{ balance: string }[]>("balance");
    return row ? { balance: toAmount(row.balance) } : undefined;
  }

  private async addToBalance(tx: Tx, movement: Movement): Promise<{ balance: number }> {
    const result = await tx.raw<{ rows: { balance: string }[] }>(
      `INSERT INTO wallets (user_id, currency, balance) VALUES (?, ?, ?)
       ON CONFLICT (user_id, currency) DO UPDATE SET balance = wallets.balance + EXCLUDED.balance, updated_at = now()
       RETURNING balance`,
      [movement.userId, movement.currency, movement.amount],
    );
    return { balance: toAmount(result.rows[0]?.balance ?? null) };
  }

  async wallet(userId: string, currency: string, db: Knex | Tx = this.knex): Promise<WalletBalance | undefined> {
    const row = await db("wallets").where({ user_id: userId, currency }).first<{ user_id: string; currency: string; balance: string; updated_at: Date } | undefined>("*");
    return row ? { userId: row.user_id, currency: row.currency, balance: toAmount(row.balance), updatedAt: row.updated_at } : undefined;
  }

  /** One page of a user's ledger transactions, newest first (see `keysetPage`). */
  async page(userId: string, after: PagePosition | undefined, limit: number): Promise<{ transactions: LedgerTransaction[]; next: PagePosition | undefined }> {
    const query = this.knex("ledger_transactions").select("*", this.knex.raw(`${SORT_AT} AS sort_at`)).where({ user_id: userId });
    const page = await keysetPage<TransactionRow & { sort_at: string }>(query, after, limit);
    return { transactions: page.rows.map(toTransaction), next: page.next };
  }
}
