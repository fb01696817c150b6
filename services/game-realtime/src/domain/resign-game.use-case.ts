import { slotOf, type GameView } from "./game";
import { GameNotActiveError, GameNotFoundError } from "./game.errors"
import type { GameStates } from "./game-states";
import { finishAgainst } from "./finish-game";

/** A player gives up: the opponent wins, under the game's row lock. */
export class ResignGameUseCase {
  constructor(private readonly states: GameStates) {}

  /** 404 game_not_found, 409 game_not_active. */
  async execute(userId: string, gameId: string): Promise<GameView> {
    const view = await this.states.queue.run(gameId, () =>
      this.states.store.withLockedGame(gameId, async (locked) => {
        const slot = slotOf(locked.game, userId);
        if (slot === undefined) throw new GameNotFoundError();
        if (locked.game.status !== "active") throw new GameNotActiveError();
        return finishAgainst(this.states, locked, slot, "resignation");
      }),
    );
    if (!view) throw new GameNotFoundError();
    this.states.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "resignation" });
    return view;
  }
}
