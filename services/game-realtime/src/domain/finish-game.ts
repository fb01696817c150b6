import { resultForWinner, type GameView } from "./game";
import type { GameStates } from "./game-states";
import type { LockedGame } from "./game-store.port";
import { rateFinishedGame } from "./rate-finished-game";

/** Ends a locked, active game without a result or a rating (a player never joined or left before both had moved). */
export async function abortGame(states: GameStates, locked: LockedGame): Promise<GameView> {
  states.forget(locked.game.id);
  const state = states.replay(locked.game, await locked.moves());
  const updated = await locked.update({ status: "finished", version: locked.game.version + 1, result: null, endReason: "aborted" });
  return states.view(updated, state);
}

/** Ends a locked, active game against `loser` (resignation or forfeit) and rates it; runs inside the lock's transaction. */
export async function finishAgainst(states: GameStates, locked: LockedGame, loser: 1 | 2, reason: "resignation" | "forfeit"): Promise<GameView> {
  states.forget(locked.game.id);
  const state = states.replay(locked.game, await locked.moves());
  const updated = await locked.update({
    status: "finished",
    version: locked.game.version + 1,
    result: resultForWinner(loser === 1 ? 2 : 1),
    endReason: reason,
  });
  const ratingChange = await rateFinishedGame(locked.ratings, updated);
  return { ...states.view(updated, state), ...(ratingChange ? { ratingChange } : {}) };
}
