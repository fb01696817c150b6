import type { GameStatus } from "@tollgate/contracts";
import type { GameRecord } from "./game";
import type { GameStore } from "./game-store.port";

/** A player's games (created, joined or invited to), newest first, at most 100. */
export class ListGamesUseCase {
  constructor(private readonly store: GameStore) {}

  execute(userId: string, status?: GameStatus): Promise<GameRecord[]> {
    return this.store.listForPlayer(userId, status);
  }
}
