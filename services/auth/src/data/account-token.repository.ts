import type { Knex } from "knex";
import type { AccountTokenPurpose } from "../domain/account-token";
import type { AccountTokenRecord, AccountTokenRepositoryPort } from "../domain/account-token.repository.port";

interface AccountTokenRow {
  token_sha256: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  email: string;
  expires_at: Date;
  used_at: Date | null;
}

const toRecord = (row: Pick<AccountTokenRow, "user_id" | "purpose" | "email" | "expires_at">): AccountTokenRecord => ({ userId: row.user_id, purpose: row.purpose, email: row.email, expiresAt: row.expires_at });

/** Verification and reset tokens, by the SHA-256 of the token (the token itself is never stored). */
export class AccountTokenRepository implements AccountTokenRepositoryPort {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async insert(token: { tokenSha256: string; userId: string; purpose: AccountTokenPurpose; email: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db("account_tokens").insert({ token_sha256: token.tokenSha256, user_id: token.userId, purpose: token.purpose, email: token.email, created_at: token.createdAt, expires_at: token.expiresAt });
  }

  /** The token if it is still usable at `at` (not used, not expired); reads only. */
  async findLive(tokenSha256: string, purpose: AccountTokenPurpose, at: Date): Promise<AccountTokenRecord | undefined> {
    const row = await this.db<AccountTokenRow>("account_tokens").where({ token_sha256: tokenSha256, purpose }).whereNull("used_at").where("expires_at", ">", at).first();
    return row && toRecord(row);
  }

  /**
   * Uses the token: one conditional UPDATE, so of two requests holding it only one gets the
   * record back. Undefined when it is unknown, of another purpose, used or expired.
   */
  async consume(tokenSha256: string, purpose: AccountTokenPurpose, at: Date): Promise<AccountTokenRecord | undefined> {
    const [row] = (await this.db("account_tokens")
      .where({ token_sha256: tokenSha256, purpose })
      .whereNull("used_at")
      .where("expires_at", ">", at)
      .update({ used_at: at })
      .returning(["user_id", "purpose", "email", "expires_at"])) as AccountTokenRow[];
    return row && toRecord(row);
  }

  /** Ends the user's unused tokens of `purpose` (a newer one replaces them, or the reset is done); returns how many. */
  async expireUnused(userId: string, purpose: AccountTokenPurpose, at: Date): Promise<number> {
    return this.db("account_tokens").where({ user_id: userId, purpose }).whereNull("used_at").where("expires_at", ">", at).update({ expires_at: at });
  }

  /** A token whose mail never went out. */
  async delete(tokenSha256: string): Promise<void> {
    await this.db("account_tokens").where({ token_sha256: tokenSha256 }).delete();
  }

  /** Clean-up: tokens that expired before `before` are of no use to anyone. */
  async deleteExpired(before: Date): Promise<number> {
    return this.db("account_tokens").where("expires_at", "<", before).delete();
  }
}
