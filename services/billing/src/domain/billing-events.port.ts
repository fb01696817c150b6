import type { PostedMovement } from "./ledger";
import type { PurchaseRefund } from "./purchase";
import type { Transaction } from "./transaction.port";

/** Billing events, written to the outbox inside the caller's transaction; messaging/billing-events.publisher.ts implements it. */
export interface BillingEventsPort {
  /** `wallet.credited` for a positive movement, `wallet.debited` (amount positive) for a negative one. */
  walletMoved(tx: Transaction, movement: PostedMovement): Promise<void>;
  /** `purchase.refunded`; `remaining` is what is left unrefunded of the purchase after it (0: the token service makes its token unusable). */
  purchaseRefunded(tx: Transaction, userId: string, currency: string, refund: PurchaseRefund, remaining: number): Promise<void>;
}
