import type { MatchmakingQueue, QueueStatus } from "./matchmaking-queue.port";

/** `GET /games/matchmaking`: idle, queued (since when, at what rating), or matched recently (with the game). */
export class MatchmakingStatusUseCase {
  constructor(private readonly queue: MatchmakingQueue) {}

  execute(userId: string): Promise<QueueStatus> {
    return this.queue.status(userId);
  }
}
