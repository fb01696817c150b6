import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { AccountTokenPurpose } from "../domain/account-token";
import type { PendingAccountMail, AccountMailRepositoryPort } from "../domain/account-mail.repository.port";

interface AccountMailRow {
  id: string;
  kind: AccountTokenPurpose;
  user_id: string;
  email: string;
  attempts: number;
  created_at: Date;
}

/**
 * The mails to send (`account_mails`): written in the transaction that asks for one, sent by
 * `AccountMailRelay`. A row holds no token: the relay makes it when it sends.
 */
export class AccountMailRepository implements AccountMailRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async enqueue(mail: { kind: AccountTokenPurpose; userId: string; email: string }, at: Date): Promise<string> {
    const id = randomUUID();
    await this.db("account_mails").insert({ id, kind: mail.kind, user_id: mail.userId, email: mail.email, created_at: at, next_attempt_at: at });
    return id;
  }

  /**
   * The oldest mail due at `at`, locked for the rest of the transaction; mails another instance
   * holds are skipped (FOR UPDATE SKIP LOCKED), so two relays never send one mail twice.
   */
  async claimNext(at: Date): Promise<PendingAccountMail | undefined> {
    const row = await this.db<AccountMailRow>("account_mails")
      .select("id", "kind", "user_id", "email", "attempts", "created_at")
      .whereNull("sent_at")
      .whereNull("dropped_at")
      .where("next_attempt_at", "<=", at)
      .orderBy([{ column: "next_attempt_at" }, { column: "created_at" }])
      .forUpdate()
      .skipLocked()
      .first();
    return row && { id: row.id, kind: row.kind, userId: row.user_id, email: row.email, attempts: row.attempts, createdAt: row.created_at };
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.db("account_mails").where({ id }).update({ sent_at: at, attempts: this.db.raw("attempts + 1"), last_error: null });
  }

  /** An attempt failed: try again at `retryAt`. */
  async recordFailure(id: string, error: string, retryAt: Date): Promise<void> {
    await this.db("account_mails").where({ id }).update({ attempts: this.db.raw("attempts + 1"), last_error: error.slice(0, 500), next_attempt_at: retryAt });
  }

  /** Not sent, and never will be: `reason` says why (too many failures, or no longer wanted). */
  async drop(id: string, reason: string, at: Date): Promise<void> {
    await this.db("account_mails").where({ id }).update({ dropped_at: at, last_error: reason.slice(0, 500) });
  }

  /** Clean-up: rows sent or dropped before `before`. */
  async deleteFinished(before: Date): Promise<number> {
    return this.db("account_mails").where((where) => where.where("sent_at", "<", before).orWhere("dropped_at", "<", before)).delete();
  }
}
