import type { Transaction } from "./transaction.port";

/** Who sent a key, the key, and the SHA-256 of the operation and body it was sent with. */
export interface IdempotentRequest {
  callerId: string;
  key: string;
  fingerprint: string;
}

/** The first answer to a key: its HTTP status and body (a success body, or an error's code, detail and field errors). */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  fingerprint: string;
  status: "in_progress" | "completed";
  answer: StoredAnswer | null;
}

/** `idempotency_keys`; data/idempotency.repository.ts implements it. */
export interface IdempotencyRepositoryPort {
  /**
   * Takes the key for this request (`in_progress`), or takes it over when its last answer expired
   * or it was left in progress for more than `staleAfterSeconds` (a crash). False when another
   * request holds it: a concurrent one waits here until that one's transaction ends.
   */
  claim(tx: Transaction, request: IdempotentRequest, replayWindowSeconds: number, staleAfterSeconds: number): Promise<boolean>;
  find(tx: Transaction | undefined, callerId: string, key: string): Promise<IdempotencyRecord | undefined>;
  complete(tx: Transaction | undefined, request: IdempotentRequest, answer: StoredAnswer): Promise<void>;
  /** Gives the key up (nothing happened that a retry must not repeat). */
  release(request: IdempotentRequest): Promise<void>;
}
