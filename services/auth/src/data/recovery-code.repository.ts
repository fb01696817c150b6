import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { RecoveryCodes } from "../domain/mfa/mfa.port";

/** `user_recovery_codes`: hashes only; a code is spent by one conditional UPDATE. */
export class RecoveryCodeRepository implements RecoveryCodes {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async replace(userId: string, codeSha256s: string[]): Promise<void> {
    await this.db("user_recovery_codes").where({ user_id: userId }).delete();
    if (codeSha256s.length > 0) await this.db("user_recovery_codes").insert(codeSha256s.map((codeSha256) => ({ id: randomUUID(), user_id: userId, code_sha256: codeSha256 })));
  }

  async use(userId: string, codeSha256: string, at: Date): Promise<boolean> {
    const count = await this.db("user_recovery_codes").where({ user_id: userId, code_sha256: codeSha256 }).whereNull("used_at").update({ used_at: at });
    return count === 1;
  }

  async remaining(userId: string): Promise<number> {
    const [row] = await this.db("user_recovery_codes").where({ user_id: userId }).whereNull("used_at").count<{ count: string }[]>({ count: "*" });
    return Number(row?.count ?? 0);
  }

  async removeAll(userId: string): Promise<void> {
    await this.db("user_recovery_codes").where({ user_id: userId }).delete();
  }
}
