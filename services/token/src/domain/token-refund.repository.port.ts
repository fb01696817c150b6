import type { Transaction } from "./transaction.port";

/** A returned unused token whose money billing is asked to give back; `requested` until it has. */
export interface TokenRefund {
  tokenId: string;
  purchaseId: string;
  userId: string;
  status: "requested" | "completed";
  amount: number | null;
  currency: string | null;
}

/** Refunds of unused tokens; data/token-refund.repository.ts implements it. */
export interface TokenRefundRepositoryPort {
  insert(tx: Transaction, refund: {
    tokenId: string;
    purchaseId: string;
    userId: string;
  }): Promise<void>;
  findByToken(tokenId: string): Promise<TokenRefund | undefined>;
  complete(tokenId: string, money: {
    amount: number;
    currency: string;
  }): Promise<void>;
  /** Withdraws a request billing found nothing left to refund for (an administrator refunded the whole price first). */
  withdraw(tokenId: string): Promise<void>;
  /** Refunds requested more than `olderThanSeconds` ago and still unfinished (a crash between the two steps). */
  listUnfinished(olderThanSeconds: number, limit: number): Promise<TokenRefund[]>;
}
