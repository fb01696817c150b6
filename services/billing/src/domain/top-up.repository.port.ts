import type { TopUp } from "./top-up";
import type { Transaction } from "./transaction.port";

/** What the provider has reported taken back from one payment intent, cumulative. */
export interface ReportedReversal {
  refundedAmount: number;
  disputedAmount: number;
}

/** Top-ups and the provider's reported reversals per payment intent; data/top-up.repository.ts implements it. */
export interface TopUpRepositoryPort {
  /** Records an `open` top-up, in `tx` or, without one, on its own. */
  insert(topUp: { id: string; userId: string; amount: number; currency: string; provider: TopUp["provider"] }, tx?: Transaction): Promise<void>;
  attachCheckout(id: string, session: { id: string; url: string | null }): Promise<void>;
  /** The top-up, locked until the transaction ends (every credit and reversal of it goes through this lock). */
  lock(tx: Transaction, where: { id: string } | { paymentIntentId: string }): Promise<TopUp | undefined>;
  linkPaymentIntent(tx: Transaction, id: string, paymentIntentId: string): Promise<void>;
  markCredited(tx: Transaction, id: string, transactionId: string): Promise<void>;
  addReversed(tx: Transaction, id: string, reversed: ReportedReversal): Promise<void>;
  /**
   * Raises what the provider reports taken back from a payment intent (cumulative amounts never go
   * down) and returns the totals, the row locked: credits and reversals of one payment intent serialise here.
   */
  reportReversal(tx: Transaction, paymentIntentId: string, reported: Partial<ReportedReversal>): Promise<ReportedReversal>;
}
