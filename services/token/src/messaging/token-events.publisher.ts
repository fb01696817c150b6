import { eventTypes, topics, type AuditRecordedV1, type PurchaseCompletedV1, type TokenActivatedV1, type TokenRevokedV1 } from "@tollgate/contracts";
import { createEvent, namespacedTopic, writeToOutbox, type OutboxMessage } from "@tollgate/service-kit";
import type { Tx } from "../data/access-token.repository";
import type { AccessToken } from "../domain/access-token";
import type { TokenEventsPort } from "../domain/token-events.port";

const SOURCE = "/tollgate/token";

/** Writes token events to the outbox inside the caller's transaction, keyed by token id. */
export class TokenEventsPublisher implements TokenEventsPort {
  private readonly topic: string;

  constructor(namespace: string) {
    this.topic = namespacedTopic(namespace, topics.tokenEvents);
  }

  /** The `token.activated` message of a token about to be activated; the activation writes it. */
  activated(token: AccessToken, activatedAt: Date, expiresAt: Date): OutboxMessage {
    const data: TokenActivatedV1 = {
      token_id: token.id,
      user_id: token.userId,
      duration_hours: token.durationHours,
      activated_at: activatedAt.toISOString(),
      expires_at: expiresAt.toISOString(),
    };
    return { topic: this.topic, key: token.id, event: createEvent({ source: SOURCE, type: eventTypes.tokenActivated, subject: token.id, data }) };
  }

  /**
   * An administrator's action for the auth service's audit log, in the caller's transaction: keyed
   * by the token when there is one (in order with its `token.revoked`), else by the user it is about.
   */
  async auditRecorded(tx: Tx, record: AuditRecordedV1, tokenId?: string): Promise<void> {
    const key = tokenId ?? record.user_id ?? record.actor_id;
    await writeToOutbox(tx, { topic: this.topic, key, event: createEvent({ source: SOURCE, type: eventTypes.auditRecorded, subject: record.user_id ?? undefined, data: record }) });
  }

  async revoked(tx: Tx, token: AccessToken, correlationId?: string): Promise<void> {
    if (!token.revokedAt) throw new Error(`token ${token.id} is not revoked`);
    const data: TokenRevokedV1 = {
      token_id: token.id,
      user_id: token.userId,
      token_sha256: token.tokenSha256,
      reason: token.revokeReason ?? "user_request",
      revoked_at: token.revokedAt.toISOString(),
    };
    await writeToOutbox(tx, {
      topic: this.topic,
      key: token.id,
      event: createEvent({ source: SOURCE, type: eventTypes.tokenRevoked, subject: token.id, data, correlationId }),
    });
  }

  /** `purchase.completed`, in the transaction that mints the purchase's token; keyed by the token, in order with its later events. */
  async purchaseCompleted(tx: Tx, data: PurchaseCompletedV1): Promise<void> {
    await writeToOutbox(tx, { topic: this.topic, key: data.token_id, event: createEvent({ source: SOURCE, type: eventTypes.purchaseCompleted, subject: data.token_id, data }) });
  }
}
