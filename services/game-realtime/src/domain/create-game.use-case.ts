import { randomUUID } from "node:crypto";
import type { Logger } from "@tollgate/service-kit";
import type { GameRecord } from "./game";
import { gameErrors } from "./game.errors";
import type { GameStore } from "./game-store.port";

/** A new game of the default kind, waiting for its second player (anyone, or the invited user). */
export class CreateGameUseCase {
  constructor(
    private readonly store: GameStore,
    private readonly defaultKind: string,
    private readonly log: Logger,
  ) {}

  /** 422 self_invite when `opponentId` is the creator. */
  async execute(userId: string, options: { opponentId?: string }): Promise<GameRecord> {
    if (options.opponentId === userId) throw gameErrors.selfInvite();
    const game = await this.store.create({ id: randomUUID(), kind: this.defaultKind, player1Id: userId, invitedUserId: options.opponentId ?? null });
    this.log.info("game created", { game_id: game.id, kind: game.kind, invited: game.invitedUserId !== null });
    return game;
  }
}
