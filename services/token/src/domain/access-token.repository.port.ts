import type { PagePosition, TokenStatus } from "@tollgate/contracts";
import type { OutboxMessage } from "@tollgate/service-kit";
import type { AccessToken } from "./access-token";
import type { Transaction } from "./transaction.port";

/** Access tokens (hashes only); data/access-token.repository.ts implements it over knex. */
export interface AccessTokenRepositoryPort {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs `effect` once the outermost transaction around `tx` has committed; never if it rolls back. */
  afterCommit(tx: Transaction, effect: () => void): void;
  /** Serialises purchases of one user so the per-user cap holds under concurrency. */
  lockUser(tx: Transaction, userId: string): Promise<void>;
  countLive(tx: Transaction, userId: string): Promise<number>;
  insert(tx: Transaction, token: {
    userId: string;
    tokenSha256: string;
    durationHours: number;
    purchaseId?: string;
  }): Promise<AccessToken>;
  listForUser(userId: string, liveOnly: boolean): Promise<AccessToken[]>;
  findById(id: string, tx?: Transaction, { forUpdate }?: {
    forUpdate?: boolean | undefined;
  }): Promise<AccessToken | undefined>;
  findByHash(tokenSha256: string): Promise<AccessToken | undefined>;
  /**
   * First use, in one statement: only a pending, unrevoked token changes, so however many
   * validations race, exactly one of them gets the row back. The same statement writes that
   * one's `token.activated` event to the outbox, so the activation and its event commit together
   * in one round trip; the relay is woken once it has committed.
   */
  activate(tokenSha256: string, activation: {
    activatedAt: Date;
    expiresAt: Date;
    event: OutboxMessage;
  }): Promise<AccessToken | undefined>;
  /** Revokes one token unless it already is; returns it only when this call revoked it. */
  revoke(tx: Transaction, id: string, reason: string): Promise<AccessToken | undefined>;
  /**
   * Marks a never-used token `refunded` (revoked with that reason; one revoked before keeps its
   * `revoked_at`), as `isRefundable` allows; undefined when it is not refundable.
   */
  markRefunded(tx: Transaction, id: string): Promise<AccessToken | undefined>;
  /**
   * The token of a purchase whose whole price billing refunded: `refunded` whatever it was (used,
   * revoked before — which keeps its `revoked_at`). Returns the token as it was before and after,
   * or undefined when no token came of the purchase or it was `refunded` already.
   */
  markPurchaseRefunded(tx: Transaction, purchaseId: string): Promise<{ before: AccessToken; after: AccessToken } | undefined>;
  /** One page of the admin list, newest first (see `keysetPage`); filters optional. */
  page(filter: {
    userId?: string;
    status?: TokenStatus;
  }, after: PagePosition | undefined, limit: number): Promise<{
    tokens: AccessToken[];
    next: PagePosition | undefined;
  }>;
  /** Revokes every pending or active token of a user; returns those this call revoked. */
  revokeAllLive(tx: Transaction, userId: string, reason: string): Promise<AccessToken[]>;
}
