import { slotOf, type GameView } from "./game";
import { GameNotFoundError } from "./game.errors"
import type { GameStates } from "./game-states";

/** The game and its state rebuilt from the moves, for a player (re)joining it. */
export class ViewGameUseCase {
  constructor(private readonly states: GameStates) {}

  /** 404 game_not_found when the user does not play this game. */
  async execute(userId: string, gameId: string): Promise<GameView> {
    const { game, state } = await this.states.load(gameId);
    if (slotOf(game, userId) === undefined) throw new GameNotFoundError();
    return this.states.view(game, state);
  }
}
