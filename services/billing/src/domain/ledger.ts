import type { WalletTransaction } from "@tollgate/contracts";

export type LedgerKind = WalletTransaction["kind"];
export type ReferenceType = WalletTransaction["reference"]["type"];

/** The ledger accounts a wallet's money moves against. */
export const accounts = {
  wallet: (userId: string, currency: string) => `wallet:${userId}:${currency}`,
  /** What users paid for tokens (minus what was refunded). */
  revenue: (currency: string) => `revenue:${currency}`,
  /** Money received from, or taken back by, the card processor. */
  stripeClearing: (currency: string) => `stripe_clearing:${currency}`,
  /** Administrators' adjustments. */
  adjustments: (currency: string) => `adjustments:${currency}`,
  /** Development top-ups: money that never existed, for walkthroughs without a card processor. */
  developmentCredit: (currency: string) => `development_credit:${currency}`,
} as const;

/**
 * One movement of a wallet: a ledger transaction with two entries, `amount` (signed, minor units,
 * non-zero) on the wallet's account and its opposite on `counterAccount`.
 * `funds`: `required` refuses a debit the balance cannot cover (purchases, admin debits);
 * `may_go_negative` records it anyway (the provider took back money already spent).
 */
export interface Movement {
  kind: LedgerKind;
  userId: string;
  currency: string;
  amount: number;
  counterAccount: string;
  reference: { type: ReferenceType; id: string };
  description: string;
  funds: "required" | "may_go_negative";
}

export interface PostedMovement extends Movement {
  transactionId: string;
  balanceAfter: number;
  createdAt: Date;
}

/** A ledger transaction as the wallet's owner sees it. */
export interface LedgerTransaction {
  id: string;
  kind: LedgerKind;
  userId: string;
  amount: number;
  currency: string;
  reference: { type: ReferenceType; id: string };
  description: string;
  createdAt: Date;
}

export const toWalletTransaction = (transaction: LedgerTransaction): WalletTransaction => ({
  id: transaction.id,
  kind: transaction.kind,
  amount: transaction.amount,
  currency: transaction.currency,
  reference: transaction.reference,
  description: transaction.description,
  created_at: transaction.createdAt.toISOString(),
});
