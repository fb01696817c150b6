import type { AccountTokenPurpose } from "./account-token";

/** A mail waiting to be sent: which kind, to whom, how often it failed so far. */
export interface PendingAccountMail {
  id: string;
  kind: AccountTokenPurpose;
  userId: string;
  email: string;
  attempts: number;
  createdAt: Date;
}

/** Verification and reset mails waiting to be sent; data/account-mail.repository.ts implements it. */
export interface AccountMailRepositoryPort {
  enqueue(mail: {
    kind: AccountTokenPurpose;
    userId: string;
    email: string;
  }, at: Date): Promise<string>;
  /**
   * The oldest mail due at `at`, locked for the rest of the transaction; mails another instance
   * holds are skipped (FOR UPDATE SKIP LOCKED), so two relays never send one mail twice.
   */
  claimNext(at: Date): Promise<PendingAccountMail | undefined>;
  markSent(id: string, at: Date): Promise<void>;
  /** An attempt failed: try again at `retryAt`. */
  recordFailure(id: string, error: string, retryAt: Date): Promise<void>;
  /** Not sent, and never will be: `reason` says why (too many failures, or no longer wanted). */
  drop(id: string, reason: string, at: Date): Promise<void>;
  /** Clean-up: rows sent or dropped before `before`. */
  deleteFinished(before: Date): Promise<number>;
}
