/** Two players the queue paired; player 1 is the one who waited longer (and moves first). */
export interface QueuePair {
  player1: { userId: string; rating: number };
  player2: { userId: string; rating: number };
}

/** A player the queue dropped after the matchmaking timeout. */
export interface QueueExpiry {
  userId: string;
  queuedAt: Date;
}

/** Where a player stands: waiting since `queuedAt`, or paired into `gameId` (recently), or neither. */
export type QueueStatus = { status: "idle" } | { status: "queued"; rating: number; queuedAt: Date } | { status: "matched"; gameId: string };

/** What a cancel did: took the player out of the queue, found them not queued, or lost to a pairing (game id once it is made). */
export type CancelOutcome = { status: "cancelled" } | { status: "idle" } | { status: "matched"; gameId: string | undefined };

/** How far apart two ratings may be: `base` plus `step` for every `stepMs` the longer waiter has waited. */
export interface RatingWindow {
  base: number;
  step: number;
  stepMs: number;
}

/** The matchmaking queue shared by every instance (implemented over Redis in data/). */
export interface MatchmakingQueue {
  /** False when the player is already queued. */
  enqueue(userId: string, rating: number, now: Date): Promise<boolean>;
  /** False when the player was not queued. */
  dequeue(userId: string): Promise<boolean>;
  /**
   * Leaves the queue atomically with respect to pairing: either the player leaves before any pass
   * takes them (`cancelled`), or a pass took them first (`matched`: a game:matched is coming or came).
   */
  cancel(userId: string): Promise<CancelOutcome>;
  status(userId: string): Promise<QueueStatus>;
  /**
   * Atomically, across instances: drops players queued for `timeoutMs` or more, and takes out of
   * the queue the pairs to play (closest ratings first, within the window); nobody is in two pairs
   * and a pair is returned to one caller only.
   */
  takePairs(now: Date, timeoutMs: number, window: RatingWindow): Promise<{ pairs: QueuePair[]; expired: QueueExpiry[] }>;
  /** Remembers the game a pair went to (`GET /games/matchmaking` answers `matched`) for a while. */
  markMatched(userIds: readonly string[], gameId: string): Promise<void>;
}
