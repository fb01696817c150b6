import type { GameStore } from "./game-store.port";
import type { MatchmakingQueue, QueueStatus } from "./matchmaking-queue.port";

/** `GET /games/matchmaking`: idle, queued (since when, at what rating), or matched recently (with the game). */
export class MatchmakingStatusUseCase {
  constructor(private readonly deps: { queue: MatchmakingQueue; store: Pick<GameStore, "find"> }) {}

  /**
   * `matched` only names a game this service's database has, with the player seated: a pairing
   * made by an instance on another database that shares the Redis left `matched` pointing at a
   * game that answered 404 here (2026-12-01).
   */
  async execute(userId: string): Promise<QueueStatus> {
    const status = await this.deps.queue.status(userId);
    if (status.status !== "matched") return status;
    const game = await this.deps.store.find(status.gameId);
    return game && (game.player1Id === userId || game.player2Id === userId) ? status : { status: "idle" };
  }
}
