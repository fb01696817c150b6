import { AlreadyMatchedError } from "./game.errors"
import type { GameStore } from "./game-store.port";
import type { CancelOutcome, MatchmakingQueue } from "./matchmaking-queue.port";

/** How long a cancel waits for a pairing that took the player to make its game or fail. */
const PENDING_WAIT_MS = 5_000;
const PENDING_POLL_MS = 25;

/**
 * `game:find_cancel` and `DELETE /games/matchmaking`: leave the queue (a no-op when not queued).
 * A pairing that took the player out first wins: the cancel then answers `already_matched`, never
 * `find_cancelled` followed by a game.
 */
export class CancelFindUseCase {
  constructor(private readonly deps: { queue: MatchmakingQueue; store: Pick<GameStore, "find"> }) {}

  /**
   * `cancelled` (was queued) or `idle` (was not); 409 already_matched when a pairing came first.
   * A pairing still making its game is waited for: when the game cannot be made the players are
   * queued again, and a cancel answered already_matched then left the player waiting in the queue
   * for a game:matched that never came; now that cancel takes them out (`cancelled`).
   */
  async execute(userId: string): Promise<Exclude<CancelOutcome, { status: "matched" }>> {
    const waitUntil = Date.now() + PENDING_WAIT_MS;
    let outcome = await this.deps.queue.cancel(userId);
    while (outcome.status === "matched" && outcome.gameId === undefined && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, PENDING_POLL_MS));
      outcome = await this.deps.queue.cancel(userId);
    }
    if (outcome.status !== "matched") return outcome;
    // The matched key outlives the game (5 min): a cancel after that game ended is just idle.
    if (outcome.gameId !== undefined && (await this.deps.store.find(outcome.gameId))?.status === "finished") return { status: "idle" };
    throw new AlreadyMatchedError(outcome.gameId);
  }
}
