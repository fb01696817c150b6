import type { OAuthOutcome } from "@tollgate/contracts";

/** A user's TOTP authenticator as stored: the secret still sealed (see `SigningKeyCipher`). */
export interface StoredTotpAuthenticator {
  userId: string;
  secretSealed: string;
  createdAt: Date;
  /** Null while the enrolment waits for its first code. */
  confirmedAt: Date | null;
  /** RFC 6238 time step of the last code accepted; a code is accepted only for a later step. */
  lastUsedStep: number | null;
}

/** `user_totp_authenticators`: one authenticator per user. */
export interface TotpAuthenticators {
  find(userId: string): Promise<StoredTotpAuthenticator | undefined>;
  /** Whether login must ask for a second factor: a confirmed authenticator exists. */
  isConfirmed(userId: string): Promise<boolean>;
  /** Starts (or restarts) an enrolment; false, changing nothing, when a confirmed one exists. */
  savePending(userId: string, secretSealed: string): Promise<boolean>;
  /**
   * Confirms the pending enrolment whose secret is still `secretSealed` (not replaced by a later
   * enrolment), recording `step` as used; false when there is no such pending enrolment.
   */
  confirm(userId: string, secretSealed: string, step: number, at: Date): Promise<boolean>;
  /**
   * Records `step` as used if it is later than the last one used, in one conditional UPDATE, so
   * two requests with the same code cannot both pass; false for a step already used (a replay).
   */
  useStep(userId: string, step: number): Promise<boolean>;
  /** Removes the authenticator (confirmed or not); false when there was none. */
  remove(userId: string): Promise<boolean>;
  /** Every stored secret, for resealing under a new key-encryption key. */
  listSealed(): Promise<{ userId: string; secretSealed: string }[]>;
  /** Replaces a sealed secret if it is still `from` (another instance may have resealed it). */
  reseal(userId: string, from: string, to: string): Promise<boolean>;
}

/** `user_recovery_codes`: SHA-256 of each code, used once. */
export interface RecoveryCodes {
  /** Drops the user's codes, used or not, and stores these. */
  replace(userId: string, codeSha256s: string[]): Promise<void>;
  /** Marks the code used if it is the user's and unused, atomically; false otherwise. */
  use(userId: string, codeSha256: string, at: Date): Promise<boolean>;
  remaining(userId: string): Promise<number>;
  removeAll(userId: string): Promise<void>;
}

/** How the first factor was proven: the second step opens the session the same way. */
export type FirstFactor = { kind: "password"; passwordChangedAt: string | null } | { kind: "oauth"; provider: string; outcome: OAuthOutcome };

/** A sign-in waiting for its second factor. */
export interface PendingSecondFactor {
  userId: string;
  firstFactor: FirstFactor;
}

/** Short-lived, single-use challenges (`mfa_token`) between the two steps of a sign-in. */
export interface MfaChallenges {
  /** Stores the pending sign-in; returns the token to hand out (only its hash is kept) and its lifetime. */
  issue(pending: PendingSecondFactor): Promise<{ token: string; expiresInSeconds: number }>;
  /**
   * Counts one attempt at the challenge and holds it until `release` or `redeem`, so attempts at one
   * challenge are checked one at a time: undefined when unknown, expired, redeemed or out of
   * attempts; "busy" while another attempt holds it (a code raced against it is then not checked,
   * so no recovery code is spent for a sign-in that could not happen).
   */
  attempt(token: string): Promise<PendingSecondFactor | "busy" | undefined>;
  /** Lets the next attempt in after one that failed. */
  release(token: string): Promise<void>;
  /** Ends the challenge; true for exactly one caller, however many race. */
  redeem(token: string): Promise<boolean>;
}
