import { slotOf, type GameRecord } from "./game";
import { gameErrors } from "./game.errors";
import type { GameStore } from "./game-store.port";

/** Takes the second seat of a waiting game under its row lock; joining a game one already plays is a no-op. */
export class JoinGameUseCase {
  constructor(private readonly store: GameStore) {}

  /** 404 game_not_found, 403 not_invited, 409 game_not_joinable. */
  async execute(userId: string, gameId: string): Promise<GameRecord> {
    const joined = await this.store.withLockedGame(gameId, async ({ game, update }) => {
      if (slotOf(game, userId) !== undefined) return game;
      if (game.invitedUserId !== null && game.invitedUserId !== userId) throw gameErrors.notInvited();
      if (game.status !== "waiting" || game.player2Id !== null) throw gameErrors.notJoinable();
      return update({ player2Id: userId, status: "active" });
    });
    if (!joined) throw gameErrors.notFound();
    return joined;
  }
}
