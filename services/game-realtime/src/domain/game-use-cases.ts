import type { Logger } from "@tollgate/service-kit";
import { CancelFindUseCase } from "./cancel-find.use-case";
import { CreateGameUseCase } from "./create-game.use-case";
import { FindOpponentUseCase } from "./find-opponent.use-case";
import type { MatchmakingQueue, RatingWindow } from "./matchmaking-queue.port";
import { MatchmakingStatusUseCase } from "./matchmaking-status.use-case";
import { PairPlayersUseCase } from "./pair-players.use-case";
import { ForfeitGameUseCase } from "./forfeit-game.use-case";
import type { GameRulesFactory } from "./game-rules";
import { GameStates } from "./game-states";
import type { GameStore } from "./game-store.port";
import { GetGameUseCase } from "./get-game.use-case";
import { GetLeaderboardUseCase } from "./get-leaderboard.use-case";
import { GetMyRatingUseCase } from "./get-my-rating.use-case";
import type { RatingReader } from "./rating-store.port";
import type { UserDirectory } from "./user-directory.port";
import { JoinGameUseCase } from "./join-game.use-case";
import { ListGamesUseCase } from "./list-games.use-case";
import { PlayMoveUseCase } from "./play-move.use-case";
import { ResignGameUseCase } from "./resign-game.use-case";
import { ViewGameUseCase } from "./view-game.use-case";

export interface GameUseCaseDeps {
  store: GameStore;
  directory: UserDirectory;
  ratings: RatingReader;
  queue: MatchmakingQueue;
  matchmaking: { timeoutMs: number; window: RatingWindow };
  rules: GameRulesFactory;
  defaultKind: string;
  logger: Logger;
}

/** The game use cases of one instance, sharing its snapshots and per-game queue (see GameStates). */
export type GameUseCases = ReturnType<typeof createGameUseCases>;

export function createGameUseCases(deps: GameUseCaseDeps) {
  const states = new GameStates(deps.store, deps.rules, deps.logger);
  return {
    create: new CreateGameUseCase(deps.store, deps.directory, deps.defaultKind, deps.logger.child({ component: "create-game" })),
    join: new JoinGameUseCase(deps.store),
    get: new GetGameUseCase(deps.store),
    list: new ListGamesUseCase(deps.store),
    view: new ViewGameUseCase(states),
    playMove: new PlayMoveUseCase(states),
    resign: new ResignGameUseCase(states),
    forfeit: new ForfeitGameUseCase(states),
    findOpponent: new FindOpponentUseCase({ store: deps.store, queue: deps.queue, ratings: deps.ratings }),
    cancelFind: new CancelFindUseCase({ queue: deps.queue, store: deps.store }),
    matchmakingStatus: new MatchmakingStatusUseCase({ queue: deps.queue, store: deps.store }),
    pairPlayers: new PairPlayersUseCase({ store: deps.store, queue: deps.queue, defaultKind: deps.defaultKind, ...deps.matchmaking, logger: deps.logger.child({ component: "pair-players" }) }),
    leaderboard: new GetLeaderboardUseCase(deps.ratings, deps.directory),
    myRating: new GetMyRatingUseCase(deps.ratings, deps.directory),
  };
}
