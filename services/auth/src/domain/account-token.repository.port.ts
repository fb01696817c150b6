import type { AccountTokenPurpose } from "./account-token";

/** A mailed token as stored: whose, what for, the address it went to. */
export interface AccountTokenRecord {
  userId: string;
  purpose: AccountTokenPurpose;
  email: string;
  expiresAt: Date;
}

/** Mailed verification and reset tokens, by hash; data/account-token.repository.ts implements it. */
export interface AccountTokenRepositoryPort {
  insert(token: {
    tokenSha256: string;
    userId: string;
    purpose: AccountTokenPurpose;
    email: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void>;
  /** The token if it is still usable at `at` (not used, not expired); reads only. */
  findLive(tokenSha256: string, purpose: AccountTokenPurpose, at: Date): Promise<AccountTokenRecord | undefined>;
  /**
   * Uses the token: one conditional UPDATE, so of two requests holding it only one gets the
   * record back. Undefined when it is unknown, of another purpose, used or expired.
   */
  consume(tokenSha256: string, purpose: AccountTokenPurpose, at: Date): Promise<AccountTokenRecord | undefined>;
  /** Ends the user's unused tokens of `purpose` (a newer one replaces them, or the reset is done); returns how many. */
  expireUnused(userId: string, purpose: AccountTokenPurpose, at: Date): Promise<number>;
  /** A token whose mail never went out. */
  delete(tokenSha256: string): Promise<void>;
  /** Clean-up: tokens that expired before `before` are of no use to anyone. */
  deleteExpired(before: Date): Promise<number>;
}
