import type { Knex } from "knex";
import type { StoredTotpAuthenticator, TotpAuthenticators } from "../domain/mfa/mfa.port";

interface Row {
  user_id: string;
  secret_sealed: string;
  created_at: Date;
  confirmed_at: Date | null;
  // bigint: pg returns it as text.
  last_used_step: string | null;
}

const toAuthenticator = (row: Row): StoredTotpAuthenticator => ({
  userId: row.user_id,
  secretSealed: row.secret_sealed,
  createdAt: row.created_at,
  confirmedAt: row.confirmed_at,
  lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
});

/** `user_totp_authenticators`; secrets arrive and leave sealed. */
export class TotpAuthenticatorRepository implements TotpAuthenticators {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async find(userId: string): Promise<StoredTotpAuthenticator | undefined> {
    const row = await this.db<Row>("user_totp_authenticators").where({ user_id: userId }).first();
    return row && toAuthenticator(row);
  }

  async isConfirmed(userId: string): Promise<boolean> {
    const row = await this.db("user_totp_authenticators").where({ user_id: userId }).whereNotNull("confirmed_at").first("user_id");
    return row !== undefined;
  }

  async savePending(userId: string, secretSealed: string): Promise<boolean> {
    // One statement: a pending row is replaced, a confirmed one is left alone (the WHERE of the upsert).
    const rows = await this.db.raw<{ rowCount: number }>(
      `INSERT INTO user_totp_authenticators (user_id, secret_sealed, created_at) VALUES (?, ?, now())
       ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, created_at = EXCLUDED.created_at, last_used_step = NULL
       WHERE user_totp_authenticators.confirmed_at IS NULL`,
      [userId, secretSealed],
    );
    return rows.rowCount === 1;
  }

  async confirm(userId: string, secretSealed: string, step: number, at: Date): Promise<boolean> {
    const count = await this.db("user_totp_authenticators").where({ user_id: userId, secret_sealed: secretSealed }).whereNull("confirmed_at").update({ confirmed_at: at, last_used_step: step });
    return count === 1;
  }

  async useStep(userId: string, step: number): Promise<boolean> {
    const count = await this.db("user_totp_authenticators")
      .where({ user_id: userId })
      .whereNotNull("confirmed_at")
      .where((where) => where.whereNull("last_used_step").orWhere("last_used_step", "<", step))
      .update({ last_used_step: step });
    return count === 1;
  }

  async remove(userId: string): Promise<boolean> {
    return (await this.db("user_totp_authenticators").where({ user_id: userId }).delete()) > 0;
  }

  async listSealed(): Promise<{ userId: string; secretSealed: string }[]> {
    const rows = await this.db<Row>("user_totp_authenticators").select("user_id", "secret_sealed");
    return rows.map((row) => ({ userId: row.user_id, secretSealed: row.secret_sealed }));
  }

  async reseal(userId: string, from: string, to: string): Promise<boolean> {
    return (await this.db("user_totp_authenticators").where({ user_id: userId, secret_sealed: from }).update({ secret_sealed: to })) === 1;
  }
}
