import type { MatchmakingQueue } from "./matchmaking-queue.port";

/** `game:find_cancel` and `DELETE /games/matchmaking`: leave the queue (a no-op when not queued). */
export class CancelFindUseCase {
  constructor(private readonly queue: MatchmakingQueue) {}

  /** Whether the player was queued. */
  execute(userId: string): Promise<boolean> {
    return this.queue.dequeue(userId);
  }
}
