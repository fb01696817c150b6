import { AppError } from "@tollgate/service-kit";

/**
 * A game request refused on purpose. `code` is stable: it is the HTTP `error_code` and the `code`
 * of the WebSocket `error` message.
 */
export class GameError extends AppError {
  constructor(status: number, readonly code: string, detail: string) {
    super(status, code, detail);
  }
}

export const gameErrors = {
  notFound: () => new GameError(404, "game_not_found", "no such game"),
  notInvited: () => new GameError(403, "not_invited", "this game is reserved for another player"),
  notJoinable: () => new GameError(409, "game_not_joinable", "the game already has two players or has finished"),
  creatorInGame: () => new GameError(409, "game_not_joinable", "the game's creator is playing another game"),
  ownGame: () => new GameError(409, "own_game", "you cannot join your own game as the opponent"),
  userNotFound: (detail = "no user has this username") => new GameError(404, "user_not_found", detail),
  alreadyQueued: () => new GameError(409, "already_queued", "you are already waiting for an opponent"),
  alreadyInGame: (game?: { id: string; status: string }) =>
    new GameError(
      409,
      "already_in_game",
      game?.status === "waiting"
        ? `your game ${game.id} is waiting for its opponent; finish it before looking for another`
        : `you are playing a game${game ? ` (${game.id})` : ""}; finish it before looking for another`,
    ),
  alreadyMatched: (gameId: string | undefined) =>
    new GameError(409, "already_matched", `an opponent was found before the cancel: game:matched${gameId ? ` for game ${gameId}` : ""} is on its way`),
  selfInvite: () => new GameError(422, "self_invite", "you cannot invite yourself"),
  notActive: () => new GameError(409, "game_not_active", "the game is not in progress"),
  notYourTurn: () => new GameError(409, "not_your_turn", "it is not your turn"),
  staleSeq: (expected: number) => new GameError(409, "stale_seq", `seq does not match the game's version ${expected}`),
  invalidAction: () => new GameError(422, "invalid_action", "the action is not a move of this game"),
  busy: () => new GameError(409, "game_busy", "the game changed while the move was checked; send it again"),
  illegalMove: (code: string, detail: string) => new GameError(422, code, detail),
};
