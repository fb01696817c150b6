import { otherActiveGamesOf } from "./current-game";
import { slotOf, type GameRecord } from "./game";
import { AlreadyInGameError, CreatorInGameError, GameNotFoundError, GameNotJoinableError, NotInvitedError } from "./game.errors"
import type { GameStore } from "./game-store.port";

/** Takes the second seat of a waiting game under its row lock; joining a game one already plays is a no-op. */
export class JoinGameUseCase {
  constructor(private readonly store: GameStore) {}

  /**
   * 404 game_not_found, 403 not_invited, 409 game_not_joinable, 409 already_in_game while the
   * joiner plays another active game (409 game_not_joinable while its creator does).
   */
  async execute(userId: string, gameId: string): Promise<{ game: GameRecord; tookSeat: boolean }> {
    const joined = await this.store.withLockedGame(gameId, async (locked) => {
      const { game, update } = locked;
      if (slotOf(game, userId) !== undefined) return { game, tookSeat: false };
      if (game.invitedUserId !== null && game.invitedUserId !== userId) throw new NotInvitedError();
      if (game.status !== "waiting" || game.player2Id !== null) throw new GameNotJoinableError();
      const [mine, creators] = await otherActiveGamesOf(locked, [userId, game.player1Id], gameId);
      if (mine) throw new AlreadyInGameError(mine);
      if (creators) throw new CreatorInGameError();
      return { game: await update({ player2Id: userId, status: "active" }), tookSeat: true };
    });
    if (!joined) throw new GameNotFoundError();
    return joined;
  }
}
