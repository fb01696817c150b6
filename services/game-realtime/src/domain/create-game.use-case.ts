import { randomUUID } from "node:crypto";
import type { Logger } from "@tollgate/service-kit";
import type { GameRecord } from "./game";
import { InvitedUserNotFoundError, SelfInviteError } from "./game.errors"
import type { GameStore } from "./game-store.port";
import type { UserDirectory } from "./user-directory.port";

/** Who a new game is reserved for: a user id, a username (looked up in the directory), or nobody. */
export interface NewGameOptions {
  opponentId?: string;
  opponentUsername?: string;
}

/** A new game of the default kind, waiting for its second player (anyone, or the invited user). */
export class CreateGameUseCase {
  constructor(
    private readonly store: GameStore,
    private readonly directory: UserDirectory,
    private readonly defaultKind: string,
    private readonly log: Logger,
  ) {}

  /** 404 user_not_found for a username or user id the directory does not know; 422 self_invite when the opponent is the creator. */
  async execute(userId: string, options: NewGameOptions): Promise<GameRecord> {
    if (options.opponentId === userId) throw new SelfInviteError();
    const invited = await this.opponentOf(options);
    if (invited === userId) throw new SelfInviteError();
    const game = await this.store.create({ id: randomUUID(), kind: this.defaultKind, player1Id: userId, invitedUserId: invited ?? null });
    this.log.info("game created", { game_id: game.id, kind: game.kind, invited: game.invitedUserId !== null });
    return game;
  }

  private async opponentOf(options: NewGameOptions): Promise<string | undefined> {
    if (options.opponentUsername === undefined) {
      // An unknown id made an invitation nobody could ever accept (201 before).
      if (options.opponentId !== undefined && !(await this.directory.usernames([options.opponentId])).has(options.opponentId)) throw new InvitedUserNotFoundError("no user has this id");
      return options.opponentId;
    }
    const entry = await this.directory.findByUsername(options.opponentUsername);
    if (!entry) throw new InvitedUserNotFoundError();
    return entry.userId;
  }
}
