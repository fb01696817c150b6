import type { LeaderboardPosition } from "@tollgate/contracts";
import type { PlayerRating, RatingChange } from "./player-rating";

/** Ratings as a finishing game sees them: inside the transaction that ends the game. */
export interface LockedRatings {
  /** Both players' ratings (defaults for a first game), row-locked in user id order until the transaction ends. */
  lock(userIds: readonly [string, string]): Promise<[PlayerRating, PlayerRating]>;
  /**
   * Records that `gameId` was rated with `change`; false when it already was (then nothing may be
   * saved): the guard that rates a game once, whatever replays or instances try again.
   */
  claim(gameId: string, change: RatingChange): Promise<boolean>;
  save(ratings: readonly PlayerRating[]): Promise<void>;
}

/**
 * Ratings as a group commit sees them: inside the transaction that stores a batch of moves, some
 * of which finish their games.
 */
export interface BatchRatings {
  /** The users' ratings (defaults for a first game), row-locked in user id order until the transaction ends. */
  lock(userIds: readonly string[]): Promise<Map<string, PlayerRating>>;
  /** Records that each game was rated with its change; returns the games that already were (nothing is recorded for them). */
  claim(changes: ReadonlyMap<string, RatingChange>): Promise<string[]>;
  save(ratings: readonly PlayerRating[]): Promise<void>;
}

/** A row of the leaderboard: a rated player with their position. */
export interface RankedPlayer extends PlayerRating {
  rank: number;
}

/** Reading ratings (implemented over knex in data/). */
export interface RatingReader {
  /** Undefined before the player's first rated game. */
  find(userId: string): Promise<PlayerRating | undefined>;
  /** 1-based position among players with at least one game. */
  rankOf(rating: PlayerRating): Promise<number>;
  /** Players with at least one game, rating descending then user id, strictly after `after`. */
  page(limit: number, after?: LeaderboardPosition): Promise<RankedPlayer[]>;
  /** The rating change each player of `gameId` got, if it was rated. */
  changeOf(gameId: string): Promise<RatingChange | undefined>;
}
