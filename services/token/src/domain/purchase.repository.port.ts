import type { DurationHours } from "@tollgate/contracts";
import type { Purchase } from "./purchase";
import type { Transaction } from "./transaction.port";

export interface NewPurchase {
  userId: string;
  idempotencyKey: string | null;
  requestFingerprint: string;
  durationHours: DurationHours;
}

/** Purchase attempts; data/purchase.repository.ts implements it. */
export interface PurchaseRepositoryPort {
  findByKey(userId: string, idempotencyKey: string): Promise<Purchase | undefined>;
  findById(id: string, tx?: Transaction, { forUpdate }?: {
    forUpdate?: boolean | undefined;
  }): Promise<Purchase | undefined>;
  /** Inserts a pending purchase; undefined when this user already used the key (the caller replays that one). */
  insertPending(tx: Transaction, purchase: NewPurchase): Promise<Purchase | undefined>;
  complete(tx: Transaction, id: string, done: {
    tokenId: string;
    amount: number;
    currency: string;
    priceId: string;
    sealedResponse: Buffer;
    responseExpiresAt: Date;
  }): Promise<void>;
  /** Marks a pending purchase failed with the answer its key replays; false when it was no longer pending. */
  fail(id: string, error: {
    statusCode: number;
    errorCode: string;
    detail: string;
  }, tx?: Transaction): Promise<boolean>;
  /** Up to `limit` purchases pending for more than `olderThanSeconds`, locked; others sweeping at once skip them. */
  lockStalePending(tx: Transaction, olderThanSeconds: number, limit: number): Promise<Purchase[]>;
  /** Forgets answers past their replay window: the sealed body goes, and the key may be used again. Returns how many. */
  forgetExpiredResponses(): Promise<number>;
}
