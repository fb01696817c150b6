import { WS_SERVICE_UNAVAILABLE, type ClientMessage } from "@tollgate/contracts";
import { unavailableDependency, type Logger } from "@tollgate/service-kit";
import { opponentOf, slotOf } from "../domain/game";
import { GameError, GameNotFoundError, NotJoinedError } from "../domain/game.errors";
import type { GameUseCases } from "../domain/game-use-cases";
import type { ConnectionManager } from "../presence/connection-manager";
import type { DisconnectGrace } from "../presence/disconnect-grace";
import type { Matchmaker } from "../presence/matchmaker";
import type { GameBroadcaster } from "./game-broadcaster";
import { overMessage, stateMessage } from "./game-broadcaster";
import type { GameConnection } from "./game-connection";

type GameMessage = Exclude<ClientMessage, { type: "auth" }>;

/** The game messages of an authenticated socket: parse is done, this calls the game service and answers. */
export class GameMessageHandler {
  private readonly log: Logger;

  constructor(
    private readonly deps: {
      games: GameUseCases;
      connections: ConnectionManager;
      broadcaster: GameBroadcaster;
      grace: DisconnectGrace;
      matchmaker: Matchmaker;
      logger: Logger;
    },
  ) {
    this.log = deps.logger.child({ component: "game-messages" });
  }

  async handle(connection: GameConnection, userId: string, message: GameMessage): Promise<void> {
    try {
      await this.dispatch(connection, userId, message);
    } catch (error) {
      if (error instanceof GameError) {
        connection.send({ type: "error", code: error.code, message: error.detail, ref: reference(message) });
        return;
      }
      // Postgres or Redis down: nothing was refused, the same message may succeed in a moment.
      const unavailable = unavailableDependency(error);
      if (unavailable) {
        this.log.warn("game message failed: a dependency is unavailable", { type: message.type, dependency: unavailable.dependency, cause: error instanceof Error ? error.message : String(error) });
        connection.send({ type: "error", code: WS_SERVICE_UNAVAILABLE, message: unavailable.detail, ref: reference(message), retry_after: unavailable.retryAfterSeconds });
        return;
      }
      this.log.error("game message failed", { type: message.type, error: error instanceof Error ? error.message : String(error) });
      connection.send({ type: "error", code: "INTERNAL_ERROR", message: "the server could not handle this message", ref: reference(message) });
    }
  }

  private async dispatch(connection: GameConnection, userId: string, message: GameMessage): Promise<void> {
    switch (message.type) {
      case "game:join":
        return this.join(connection, userId, message.game_id);
      case "game:action": {
        // Only a socket in the game hears its outcome (the fan-out); any other is refused, nothing done.
        if (!connection.games.has(message.game_id)) throw new NotJoinedError(message.game_id);
        const outcome = await this.deps.games.playMove.execute(userId, message.game_id, message.seq, message.action);
        // A repeated seq changes nothing: the sender alone gets the current state again.
        if (outcome.kind === "duplicate") connection.send(stateMessage(outcome.view, userId));
        else await this.deps.broadcaster.gameChanged(outcome.view);
        return;
      }
      case "game:resign":
        if (!connection.games.has(message.game_id)) throw new NotJoinedError(message.game_id);
        return this.deps.broadcaster.gameChanged(await this.deps.games.resign.execute(userId, message.game_id));
      case "game:find": {
        const queued = await this.deps.games.findOpponent.execute(userId);
        this.deps.matchmaker.queued(userId, connection);
        connection.send({ type: "game:queued", rating: queued.rating, queued_at: queued.queuedAt.toISOString() });
        this.deps.matchmaker.kick();
        return;
      }
      case "game:find_cancel": {
        // Refused with already_matched when a pairing took the player out of the queue first.
        const outcome = await this.deps.games.cancelFind.execute(userId);
        if (outcome.status === "cancelled") await this.deps.matchmaker.cancelled(userId);
        else {
          this.deps.matchmaker.forget(userId);
          connection.send({ type: "game:find_cancelled" });
        }
        return;
      }
      case "game:heartbeat":
        await this.deps.connections.refresh(connection);
        connection.send({ type: "game:heartbeat_ack" });
        return;
    }
  }

  private async join(connection: GameConnection, userId: string, gameId: string): Promise<void> {
    // Check first that the user plays this game, then subscribe, then read the state: a move made
    // in between reaches the socket through the fan-out and the older direct state is dropped.
    // A waiting game with a free seat is joined on the spot, as `POST /games/{id}/join` would.
    const game = await this.deps.games.get.any(gameId);
    const takesSeat = game !== undefined && slotOf(game, userId) === undefined && game.status === "waiting";
    // Seats never change hands, so the game just read (or just joined) answers "does the user play
    // it?" without reading it and its moves again: a second read here made a start eleven sequential
    // Postgres round trips, not eight (879 starts at once queued on the pool, bench 2026-12-01).
    const seated = takesSeat ? (await this.deps.games.join.execute(userId, gameId)).game : game;
    if (!seated || slotOf(seated, userId) === undefined) throw new GameNotFoundError();
    await this.deps.connections.join(connection, gameId);
    const view = await this.deps.games.view.execute(userId, gameId);
    // Taking the seat starts the game: both players get the state (player 1 learns it is their turn).
    if (takesSeat) await this.deps.broadcaster.gameChanged(view);
    else connection.send(stateMessage(view, userId));
    const over = overMessage(view.game);
    if (over) connection.send(over);
    if (view.game.status !== "active") return;
    const opponent = opponentOf(view.game, userId);
    await this.deps.grace.playerJoined(gameId, userId, opponent);
    // The creator of the game this seat started may have no socket in it: their grace starts now.
    if (takesSeat) await this.deps.grace.gameStarted(view.game);
    const opponentDeadline = opponent ? await this.deps.grace.pendingDeadline(gameId, opponent) : undefined;
    if (opponentDeadline) connection.send({ type: "game:opponent_disconnected", game_id: gameId, grace_until: opponentDeadline });
  }
}

function reference(message: GameMessage): string {
  return message.type === "game:action" ? `${message.type}:${message.seq}` : message.type;
}
