import { eventTypes, topics, type PurchaseRefundedV1, type WalletCreditedV1 } from "@tollgate/contracts";
import { createEvent, namespacedTopic, writeToOutbox } from "@tollgate/service-kit";
import type { Tx } from "../data/billing-rows";
import type { BillingEventsPort } from "../domain/billing-events.port";
import type { PostedMovement } from "../domain/ledger";
import type { PurchaseRefund } from "../domain/purchase";

const SOURCE = "/tollgate/billing";

/** Writes billing events to the outbox inside the caller's transaction, keyed by user id (one user's events stay in order). */
export class BillingEventsPublisher implements BillingEventsPort {
  private readonly topic: string;

  constructor(namespace: string) {
    this.topic = namespacedTopic(namespace, topics.billingEvents);
  }

  /** `wallet.credited` for a positive movement, `wallet.debited` (amount positive) for a negative one. */
  async walletMoved(tx: Tx, movement: PostedMovement): Promise<void> {
    const data: WalletCreditedV1 = {
      user_id: movement.userId,
      transaction_id: movement.transactionId,
      kind: movement.kind,
      amount: Math.abs(movement.amount),
      currency: movement.currency,
      balance_after: movement.balanceAfter,
      reference: movement.reference,
      occurred_at: movement.createdAt.toISOString(),
    };
    const type = movement.amount > 0 ? eventTypes.walletCredited : eventTypes.walletDebited;
    await writeToOutbox(tx, { topic: this.topic, key: movement.userId, event: createEvent({ source: SOURCE, type, subject: movement.userId, data }) });
  }

  async purchaseRefunded(tx: Tx, userId: string, currency: string, refund: PurchaseRefund, remaining: number): Promise<void> {
    const data: PurchaseRefundedV1 = {
      purchase_id: refund.purchaseId,
      refund_id: refund.id,
      user_id: userId,
      amount: refund.amount,
      currency,
      reason: refund.reason,
      description: refund.description,
      remaining,
      refunded_by: refund.refundedBy,
      refunded_at: refund.createdAt.toISOString(),
    };
    await writeToOutbox(tx, { topic: this.topic, key: userId, event: createEvent({ source: SOURCE, type: eventTypes.purchaseRefunded, subject: refund.purchaseId, data }) });
  }
}
