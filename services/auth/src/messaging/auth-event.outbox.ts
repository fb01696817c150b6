import { eventTypes, type SessionRevocationReason } from "@tollgate/contracts";
import { afterCommit, createEvent, writeToOutbox } from "@tollgate/service-kit";
import type { Knex } from "knex";
import { untrackedAuthActivity, type AuthActivity } from "../domain/auth-activity.port";
import type { AuthEventsPort } from "../domain/auth-events.port";

const SOURCE = "/tollgate/auth";

/** Writes auth events into the outbox of the current transaction (published by the relay after commit). */
export class AuthEventOutbox implements AuthEventsPort {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly topic: string,
    private readonly activity: AuthActivity = untrackedAuthActivity,
  ) {}

  async sessionRevoked(userId: string, sessionId: string, reason: SessionRevocationReason, at: Date): Promise<void> {
    const event = createEvent({
      source: SOURCE,
      type: eventTypes.sessionRevoked,
      subject: sessionId,
      data: { session_id: sessionId, user_id: userId, reason, revoked_at: at.toISOString() },
    });
    const trx = this.transaction();
    await writeToOutbox(trx, { topic: this.topic, key: userId, event });
    // Every revoked session gets exactly one of these events, whichever use case revoked it.
    afterCommit(trx, () => this.activity.sessionsRevoked(reason, 1));
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

  async userEnabled(userId: string, at: Date, reason?: string): Promise<void> {
    const event = createEvent({
      source: SOURCE,
      type: eventTypes.userEnabled,
      subject: userId,
      data: { user_id: userId, enabled_at: at.toISOString(), ...(reason ? { reason } : {}) },
    });
    await writeToOutbox(this.transaction(), { topic: this.topic, key: userId, event });
  }

  /** A new account, in its sign-up transaction (password or OAuth/OIDC); keyed and subjected by user id. */
  async userRegistered(user: { id: string; username: string; createdAt: Date }): Promise<void> {
    const event = createEvent({
      source: SOURCE,
      type: eventTypes.userRegistered,
      subject: user.id,
      data: { user_id: user.id, username: user.username, registered_at: user.createdAt.toISOString() },
    });
    await writeToOutbox(this.transaction(), { topic: this.topic, key: user.id, event });
  }

  private transaction(): Knex.Transaction {
    if (!this.db.isTransaction) throw new Error("auth events must be written inside a transaction");
    return this.db as Knex.Transaction;
  }
}
