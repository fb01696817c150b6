import type { PagePosition } from "@tollgate/contracts";
import type { LedgerTransaction, Movement, PostedMovement } from "./ledger";
import type { Transaction } from "./transaction.port";

/** A wallet's balance as the ledger keeps it beside its entries. */
export interface WalletBalance {
  userId: string;
  currency: string;
  balance: number;
  updatedAt: Date;
}

/** The ledger and the wallet balances kept beside it, always written together; data/ledger.repository.ts implements it. */
export interface LedgerRepositoryPort {
  /**
   * Posts a movement in the caller's transaction: the wallet's balance first (a debit with funds
   * `required` only if the balance covers it, so concurrent debits serialise on the wallet row and
   * none overdraws it), then the ledger transaction and its two entries. Undefined, having written
   * nothing, when the funds were required and are not there.
   */
  post(tx: Transaction, movement: Movement): Promise<PostedMovement | undefined>;
  /** Undefined for a wallet never used. */
  wallet(userId: string, currency: string, tx?: Transaction): Promise<WalletBalance | undefined>;
  /** One page of a user's ledger transactions, newest first. */
  page(userId: string, after: PagePosition | undefined, limit: number): Promise<{ transactions: LedgerTransaction[]; next: PagePosition | undefined }>;
}
