import { slotOf, type GameView } from "./game";
import type { GameStates } from "./game-states";
import { finishAgainst } from "./finish-game";

/** Ends an active game against a player who did not come back before their grace deadline. */
export class ForfeitGameUseCase {
  constructor(private readonly states: GameStates) {}

  /** The finished game; undefined when it had already ended (another instance, a resignation, the last move). */
  async execute(gameId: string, loserId: string): Promise<GameView | undefined> {
    const view = await this.states.queue.run(gameId, () =>
      this.states.store.withLockedGame(gameId, async (locked) => {
        const slot = slotOf(locked.game, loserId);
        if (slot === undefined || locked.game.status !== "active") return undefined;
        return finishAgainst(this.states, locked, slot, "forfeit");
      }),
    );
    if (view) this.states.log.info("game finished", { game_id: gameId, result: view.game.result, reason: "forfeit" });
    return view;
  }
}
