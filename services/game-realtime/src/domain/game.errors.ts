import { errorCodes, gameErrorCodes, type ErrorCode } from "@tollgate/contracts";
import { AppError } from "@tollgate/service-kit";

/**
 * A game request refused on purpose. `code` is stable, a member of the contracts' `errorCodes`: it
 * is the HTTP `error_code` and the `code` of the WebSocket `error` message.
 */
export class GameError extends AppError {
  constructor(
    status: number,
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(status, code, detail);
  }
}

export class GameNotFoundError extends GameError {
  constructor() {
    super(404, gameErrorCodes.GAME_NOT_FOUND, "no such game");
  }
}

export class NotInvitedError extends GameError {
  constructor() {
    super(403, gameErrorCodes.NOT_INVITED, "this game is reserved for another player");
  }
}

export class GameNotJoinableError extends GameError {
  constructor(detail = "the game already has two players or has finished") {
    super(409, gameErrorCodes.GAME_NOT_JOINABLE, detail);
  }
}

export class CreatorInGameError extends GameNotJoinableError {
  constructor() {
    super("the game's creator is playing another game");
  }
}

export class OwnGameError extends GameError {
  constructor() {
    super(409, gameErrorCodes.OWN_GAME, "you cannot join your own game as the opponent");
  }
}

/** An invited user the game service's user directory does not know. */
export class InvitedUserNotFoundError extends GameError {
  constructor(detail = "no user has this username") {
    super(404, errorCodes.USER_NOT_FOUND, detail);
  }
}

export class AlreadyQueuedError extends GameError {
  constructor() {
    super(409, gameErrorCodes.ALREADY_QUEUED, "you are already waiting for an opponent");
  }
}

export class AlreadyInGameError extends GameError {
  constructor(game?: { id: string; status: string }) {
    super(
      409,
      gameErrorCodes.ALREADY_IN_GAME,
      game?.status === "waiting"
        ? `your game ${game.id} is waiting for its opponent; finish it before looking for another`
        : `you are playing a game${game ? ` (${game.id})` : ""}; finish it before looking for another`,
    );
  }
}

export class AlreadyMatchedError extends GameError {
  constructor(gameId: string | undefined) {
    super(409, gameErrorCodes.ALREADY_MATCHED, `an opponent was found before the cancel: game:matched${gameId ? ` for game ${gameId}` : ""} is on its way`);
  }
}

export class SelfInviteError extends GameError {
  constructor() {
    super(422, gameErrorCodes.SELF_INVITE, "you cannot invite yourself");
  }
}

export class GameNotActiveError extends GameError {
  constructor() {
    super(409, gameErrorCodes.GAME_NOT_ACTIVE, "the game is not in progress");
  }
}

export class NotYourTurnError extends GameError {
  constructor() {
    super(409, gameErrorCodes.NOT_YOUR_TURN, "it is not your turn");
  }
}

export class StaleSeqError extends GameError {
  constructor(expected: number) {
    super(409, gameErrorCodes.STALE_SEQ, `seq does not match the game's version ${expected}`);
  }
}

export class InvalidActionError extends GameError {
  constructor() {
    super(422, gameErrorCodes.INVALID_ACTION, "the action is not a move of this game");
  }
}

export class GameBusyError extends GameError {
  constructor() {
    super(409, gameErrorCodes.GAME_BUSY, "the game changed while the move was checked; send it again");
  }
}

/** A move the game's own rules refuse, with the rules' code (e.g. COLUMN_FULL). */
export class IllegalMoveError extends GameError {
  constructor(code: ErrorCode, detail: string) {
    super(422, code, detail);
  }
}

/**
 * A socket's `game:action` or `game:resign` for a game it has not joined. Before, it was carried
 * out and the sender, outside the game's fan-out, heard nothing (the game finished, both rated,
 * silence); the protocol has a socket join a game before it plays it.
 */
export class NotJoinedError extends GameError {
  constructor(gameId: string) {
    super(409, errorCodes.NOT_JOINED, `this socket has not joined game ${gameId}: send game:join first`);
  }
}
