import { randomUUID } from "node:crypto";
import type { Logger } from "@tollgate/service-kit";
import type { GameStore } from "./game-store.port";
import type { MatchmakingQueue, QueueExpiry, QueuePair, RatingWindow } from "./matchmaking-queue.port";

/** A pair and the game made for it. */
export interface Match extends QueuePair {
  gameId: string;
}

/**
 * One pass of the matchmaker (any instance, any time: the queue hands each pair to one caller):
 * every pair gets a new active game with both seats taken; players who waited `timeoutMs` leave
 * the queue with nobody found.
 */
export class PairPlayersUseCase {
  constructor(
    private readonly deps: { store: GameStore; queue: MatchmakingQueue; defaultKind: string; timeoutMs: number; window: RatingWindow; logger: Logger },
  ) {}

  async execute(now = new Date()): Promise<{ matches: Match[]; expired: QueueExpiry[] }> {
    const { pairs, expired } = await this.deps.queue.takePairs(now, this.deps.timeoutMs, this.deps.window);
    const made = await Promise.all(pairs.map((pair) => this.gameFor(pair, now)));
    return { matches: made.filter((match): match is Match => match !== undefined), expired };
  }

  /**
   * The pair's game, once its insert has committed (only then is anyone told); when it cannot be
   * made (Postgres down) both players are queued again (their wait starts over) and a warning
   * logged. Each pair stands alone: one pair's failure, even to queue its players again, never
   * keeps the pass's other matches from being announced.
   */
  private async gameFor(pair: QueuePair, now: Date): Promise<Match | undefined> {
    const players = [pair.player1.userId, pair.player2.userId];
    let gameId: string;
    try {
      gameId = (await this.deps.store.createActive({ id: randomUUID(), kind: this.deps.defaultKind, player1Id: pair.player1.userId, player2Id: pair.player2.userId })).id;
    } catch (error) {
      this.deps.logger.warn("matched pair's game could not be made; both players are queued again", { user_ids: players, error: error instanceof Error ? error.message : String(error) });
      await Promise.all([pair.player1, pair.player2].map((player) => this.deps.queue.enqueue(player.userId, player.rating, now))).catch((requeue: unknown) => {
        this.deps.logger.warn("players of a failed pairing could not be queued again; they may find again", { user_ids: players, error: requeue instanceof Error ? requeue.message : String(requeue) });
      });
      return undefined;
    }
    // The game exists: the players are told of it even if GET /games/matchmaking cannot say so.
    await this.deps.queue.markMatched(players, gameId).catch((error: unknown) => {
      this.deps.logger.warn("matched game could not be recorded for GET /games/matchmaking", { game_id: gameId, error: error instanceof Error ? error.message : String(error) });
    });
    this.deps.logger.info("players matched", { game_id: gameId, player1_rating: pair.player1.rating, player2_rating: pair.player2.rating });
    return { ...pair, gameId };
  }
}
