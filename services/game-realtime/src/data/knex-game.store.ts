import type { GameStatus } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { GameRecord, MoveRecord } from "../domain/game";
import type { GameChanges, GameStore, LockedGame, StoredMove } from "../domain/game-store.port";
import { rateFinishedGames } from "../domain/rate-finished-game";
import { GameRepository, type AppendMoveRow } from "./game.repository";
import { MoveBatchWriter, type MoveBatchOptions } from "./move-batch.writer";
import { MoveRepository } from "./move.repository";
import { batchRatings, lockedRatings } from "./player-rating.repository";

/** Two batches in flight, up to 500 moves each, unless the caller says otherwise. */
export const DEFAULT_MOVE_BATCH: MoveBatchOptions = { maxInFlight: 2, maxBatch: 500 };

/**
 * The game store over Postgres: a locked game is a `SELECT … FOR UPDATE` inside a transaction;
 * moves are group-committed (see MoveBatchWriter), a game's last move too: a batch holding one
 * is written in a transaction that also rates its finished games.
 */
export class KnexGameStore implements GameStore {
  private readonly games: GameRepository;
  private readonly moveRepository: MoveRepository;
  private readonly moveWriter: MoveBatchWriter<StoredMove>;

  constructor(
    private readonly knex: Knex,
    moveBatch: MoveBatchOptions = DEFAULT_MOVE_BATCH,
  ) {
    this.games = new GameRepository(knex);
    this.moveRepository = new MoveRepository(knex);
    this.moveWriter = new MoveBatchWriter((rows) => this.writeMoves(rows), moveBatch);
  }

  /** One statement when no move ends its game; otherwise that statement and the ratings, in one transaction. */
  private async writeMoves(rows: readonly AppendMoveRow[]): Promise<Map<string, StoredMove>> {
    const stored = (games: Map<string, GameRecord>, changes?: Map<string, StoredMove["ratingChange"]>) =>
      new Map([...games].map(([id, game]) => [id, { game, ratingChange: changes?.get(id) }]));
    if (!rows.some((row) => row.end.status === "finished")) return stored(await this.games.appendMovesIfVersion(rows));
    return this.knex.transaction(async (trx) => {
      const games = await this.games.appendMovesIfVersion(rows, trx);
      const finished = [...games.values()].filter((game) => game.status === "finished");
      return stored(games, await rateFinishedGames(batchRatings(trx), finished));
    });
  }

  create(game: Pick<GameRecord, "id" | "kind" | "player1Id" | "invitedUserId">): Promise<GameRecord> {
    return this.games.insert(game);
  }

  createActive(game: Pick<GameRecord, "id" | "kind" | "player1Id"> & { player2Id: string }): Promise<GameRecord> {
    return this.games.insertActive(game);
  }

  find(id: string): Promise<GameRecord | undefined> {
    return this.games.findById(id);
  }

  moves(gameId: string): Promise<MoveRecord[]> {
    return this.moveRepository.listForGame(gameId);
  }

  listForPlayer(userId: string, status?: GameStatus): Promise<GameRecord[]> {
    return this.games.listForPlayer(userId, status);
  }

  hasActiveGame(userId: string): Promise<boolean> {
    return this.games.hasActiveGame(userId);
  }

  countByStatus(status: GameStatus): Promise<number> {
    return this.games.countByStatus(status);
  }

  appendMove(
    gameId: string,
    expectedVersion: number,
    move: Omit<MoveRecord, "createdAt" | "gameId">,
    changes: Pick<GameChanges, "status" | "result" | "endReason">,
  ): Promise<StoredMove | undefined> {
    return this.moveWriter.append({
      gameId,
      expectedVersion,
      move,
      end: { status: changes.status ?? "active", result: changes.result ?? null, endReason: changes.endReason ?? null },
    });
  }

  withLockedGame<T>(id: string, work: (locked: LockedGame) => Promise<T>): Promise<T | undefined> {
    return this.knex.transaction(async (trx) => {
      const game = await this.games.lockById(trx, id);
      if (!game) return undefined;
      return work({
        game,
        moves: () => this.moveRepository.listForGame(id, trx),
        update: (changes) => this.games.update(trx, id, changes),
        appendMove: (move) => this.moveRepository.insert(trx, id, move),
        listForPlayers: (userIds, status) => this.games.listForPlayer(userIds, status, trx),
        ratings: lockedRatings(trx),
      });
    });
  }
}
