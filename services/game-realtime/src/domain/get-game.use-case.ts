import { slotOf, type GameRecord } from "./game";
import { GameNotFoundError } from "./game.errors"
import type { GameStore } from "./game-store.port";

/** One game as a player (or its invitee) may see it. */
export class GetGameUseCase {
  constructor(private readonly store: GameStore) {}

  /** 404 game_not_found for anyone who neither plays nor is invited, so ids do not leak. */
  async execute(userId: string, gameId: string): Promise<GameRecord> {
    const game = await this.store.find(gameId);
    if (!game || (slotOf(game, userId) === undefined && game.invitedUserId !== userId)) throw new GameNotFoundError();
    return game;
  }

  /** A game regardless of who asks (for the server's own bookkeeping, never for a client). */
  any(gameId: string): Promise<GameRecord | undefined> {
    return this.store.find(gameId);
  }
}
