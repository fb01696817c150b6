import type { Logger } from "@tollgate/service-kit";
import { CreateGameUseCase } from "./create-game.use-case";
import { ForfeitGameUseCase } from "./forfeit-game.use-case";
import type { GameRulesFactory } from "./game-rules";
import { GameStates } from "./game-states";
import type { GameStore } from "./game-store.port";
import { GetGameUseCase } from "./get-game.use-case";
import { JoinGameUseCase } from "./join-game.use-case";
import { ListGamesUseCase } from "./list-games.use-case";
import { PlayMoveUseCase } from "./play-move.use-case";
import { ResignGameUseCase } from "./resign-game.use-case";
import { ViewGameUseCase } from "./view-game.use-case";

export interface GameUseCaseDeps {
  store: GameStore;
  rules: GameRulesFactory;
  defaultKind: string;
  logger: Logger;
}

/** The game use cases of one instance, sharing its snapshots and per-game queue (see GameStates). */
export type GameUseCases = ReturnType<typeof createGameUseCases>;

export function createGameUseCases(deps: GameUseCaseDeps) {
  const states = new GameStates(deps.store, deps.rules, deps.logger);
  return {
    create: new CreateGameUseCase(deps.store, deps.defaultKind, deps.logger.child({ component: "create-game" })),
    join: new JoinGameUseCase(deps.store),
    get: new GetGameUseCase(deps.store),
    list: new ListGamesUseCase(deps.store),
    view: new ViewGameUseCase(states),
    playMove: new PlayMoveUseCase(states),
    resign: new ResignGameUseCase(states),
    forfeit: new ForfeitGameUseCase(states),
  };
}
