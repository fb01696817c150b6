import { AlreadyInGameError, AlreadyQueuedError } from "./game.errors"
import { currentGameOf } from "./current-game";
import type { GameStore } from "./game-store.port";
import type { MatchmakingQueue } from "./matchmaking-queue.port";
import { DEFAULT_RATING } from "./player-rating";
import type { RatingReader } from "./rating-store.port";

/** `game:find` and `POST /games/matchmaking`: the player waits in the shared queue at their rating. */
export class FindOpponentUseCase {
  constructor(
    private readonly deps: { store: GameStore; queue: MatchmakingQueue; ratings: RatingReader },
  ) {}

  /**
   * The rating queued at (rounded) and since when. 409 already_in_game while the player has an
   * active game or a waiting game they created (its invitee could join it while a match is made:
   * two active games); 409 already_queued.
   */
  async execute(userId: string, now = new Date()): Promise<{ rating: number; queuedAt: Date }> {
    const current = await currentGameOf(this.deps.store, userId);
    if (current) throw new AlreadyInGameError(current);
    const rating = Math.round((await this.deps.ratings.find(userId))?.rating ?? DEFAULT_RATING.rating);
    if (!(await this.deps.queue.enqueue(userId, rating, now))) throw new AlreadyQueuedError();
    return { rating, queuedAt: now };
  }
}
