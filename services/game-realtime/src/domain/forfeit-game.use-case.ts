import { slotOf, type GameView } from "./game";
import type { GameStates } from "./game-states";
import { abortGame, finishAgainst } from "./finish-game";

/**
 * Ends an active game whose player did not come (back) before their grace deadline: forfeited by
 * them once both players have moved; aborted, unrated, before that (as chess servers do). Before,
 * two players who both left a game with no move made saw one of them awarded a rated win.
 */
export class ForfeitGameUseCase {
  constructor(private readonly states: GameStates) {}

  /** The finished game; undefined when it had already ended (another instance, a resignation, the last move). */
  async execute(gameId: string, loserId: string): Promise<GameView | undefined> {
    const view = await this.states.queue.run(gameId, () =>
      this.states.store.withLockedGame(gameId, async (locked) => {
        const slot = slotOf(locked.game, loserId);
        if (slot === undefined || locked.game.status !== "active") return undefined;
        const movers = new Set((await locked.moves()).map((move) => move.playerId));
        if (movers.size < 2) return abortGame(this.states, locked);
        return finishAgainst(this.states, locked, slot, "forfeit");
      }),
    );
    if (view) this.states.log.info("game finished", { game_id: gameId, result: view.game.result, reason: view.game.endReason });
    return view;
  }
}
