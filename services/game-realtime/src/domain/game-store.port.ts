import type { GameStatus } from "@tollgate/contracts";
import type { GameRecord, MoveRecord } from "./game";
import type { RatingChange } from "./player-rating";
import type { LockedRatings } from "./rating-store.port";

export type GameChanges = Partial<Pick<GameRecord, "status" | "player2Id" | "version" | "result" | "endReason">>;

/** What a use case may do while it holds a game's row lock; everything commits together. */
export interface LockedGame {
  readonly game: GameRecord;
  moves(): Promise<MoveRecord[]>;
  update(changes: GameChanges): Promise<GameRecord>;
  /** Stores a move (the game's version is the caller's to bump with `update`). */
  appendMove(move: Omit<MoveRecord, "createdAt" | "gameId">): Promise<void>;
  /**
   * The games of any of these players (seated or invited), newest first, read in the same
   * transaction: a second connection taken while this one is held waits on a pool that other such
   * transactions may have filled (30 joins at once timed out acquiring a connection on a busy
   * machine, 2026-11-30). Several players are one read: a join checks both of its players.
   */
  listForPlayers(userIds: readonly string[], status?: GameStatus): Promise<GameRecord[]>;
  /** The players' ratings, in the same transaction. */
  readonly ratings: LockedRatings;
}

/** A move as stored: the game after it, and the players' rating change when it finished the game. */
export interface StoredMove {
  game: GameRecord;
  ratingChange: RatingChange | undefined;
}

/** Persistence the game service needs (implemented over knex in data/). */
export interface GameStore {
  create(game: Pick<GameRecord, "id" | "kind" | "player1Id" | "invitedUserId">): Promise<GameRecord>;
  /** A game with both seats taken, already active (matchmaking). */
  createActive(game: Pick<GameRecord, "id" | "kind" | "player1Id"> & { player2Id: string }): Promise<GameRecord>;
  find(id: string): Promise<GameRecord | undefined>;
  moves(gameId: string): Promise<MoveRecord[]>;
  listForPlayer(userId: string, status?: GameStatus): Promise<GameRecord[]>;
  /** Whether the user holds a seat in an active game. */
  hasActiveGame(userId: string): Promise<boolean>;
  /**
   * Records a move and the game's new version atomically, only if the game is still active at
   * `expectedVersion`; settles once that is committed. Undefined when another move (from any
   * instance) got there first. Moves of different games may be committed together. A move that
   * finishes its game (`changes.status`) commits with both players' rating update, once
   * (rateFinishedGames), in the same transaction.
   */
  appendMove(
    gameId: string,
    expectedVersion: number,
    move: Omit<MoveRecord, "createdAt" | "gameId">,
    changes: Pick<GameChanges, "status" | "result" | "endReason">,
  ): Promise<StoredMove | undefined>;
  /** Runs `work` in one transaction holding the game's row lock; `undefined` when the game does not exist. */
  withLockedGame<T>(id: string, work: (locked: LockedGame) => Promise<T>): Promise<T | undefined>;
}
