import type { AuditRecordedV1, PurchaseCompletedV1 } from "@tollgate/contracts";
import type { OutboxMessage } from "@tollgate/service-kit";
import type { AccessToken } from "./access-token";
import type { Transaction } from "./transaction.port";

/** Token events, written to the outbox inside the caller's transaction; messaging/token-events.publisher.ts implements it. */
export interface TokenEventsPort {
  /** The `token.activated` message of a token about to be activated; the activation writes it. */
  activated(token: AccessToken, activatedAt: Date, expiresAt: Date): OutboxMessage;
  /**
   * An administrator's action for the auth service's audit log, in the caller's transaction: keyed
   * by the token when there is one (in order with its `token.revoked`), else by the user it is about.
   */
  auditRecorded(tx: Transaction, record: AuditRecordedV1, tokenId?: string): Promise<void>;
  revoked(tx: Transaction, token: AccessToken, correlationId?: string): Promise<void>;
  /** `purchase.completed`, in the transaction that mints the purchase's token; keyed by the token, in order with its later events. */
  purchaseCompleted(tx: Transaction, data: PurchaseCompletedV1): Promise<void>;
}
