import { AlreadyMatchedError } from "./game.errors"
import type { GameStore } from "./game-store.port";
import type { CancelOutcome, MatchmakingQueue } from "./matchmaking-queue.port";

/**
 * `game:find_cancel` and `DELETE /games/matchmaking`: leave the queue (a no-op when not queued).
 * A pairing that took the player out first wins: the cancel then answers `already_matched`, never
 * `find_cancelled` followed by a game.
 */
export class CancelFindUseCase {
  constructor(private readonly deps: { queue: MatchmakingQueue; store: Pick<GameStore, "find"> }) {}

  /** `cancelled` (was queued) or `idle` (was not); 409 already_matched when a pairing came first. */
  async execute(userId: string): Promise<Exclude<CancelOutcome, { status: "matched" }>> {
    const outcome = await this.deps.queue.cancel(userId);
    if (outcome.status !== "matched") return outcome;
    // The matched key outlives the game (5 min): a cancel after that game ended is just idle.
    if (outcome.gameId !== undefined && (await this.deps.store.find(outcome.gameId))?.status === "finished") return { status: "idle" };
    throw new AlreadyMatchedError(outcome.gameId);
  }
}
