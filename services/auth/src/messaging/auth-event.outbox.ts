import { eventTypes, type SessionRevocationReason } from "@tollgate/contracts";
import { createEvent, writeToOutbox } from "@tollgate/service-kit";
import type { Knex } from "knex";

const SOURCE = "/tollgate/auth";

/** Writes auth events into the outbox of the current transaction (published by the relay after commit). */
export class AuthEventOutbox {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly topic: string,
  ) {}

  async sessionRevoked(userId: string, sessionId: string, reason: SessionRevocationReason, at: Date): Promise<void> {
    const event = createEvent({
      source: SOURCE,
      type: eventTypes.sessionRevoked,
      subject: sessionId,
      data: { session_id: sessionId, user_id: userId, reason, revoked_at: at.toISOString() },
    });
    await writeToOutbox(this.transaction(), { topic: this.topic, key: userId, event });
  }

  async userDisabled(userId: string, at: Date, reason?: string): Promise<void> {
    const event = createEvent({
      source: SOURCE,
      type: eventTypes.userDisabled,
      subject: userId,
      data: { user_id: userId, disabled_at: at.toISOString(), ...(reason ? { reason } : {}) },
    });
    await writeToOutbox(this.transaction(), { topic: this.topic, key: userId, event });
  }

  private transaction(): Knex.Transaction {
    if (!this.db.isTransaction) throw new Error("auth events must be written inside a transaction");
    return this.db as Knex.Transaction;
  }
}
