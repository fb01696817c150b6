import type { ServerMessage, WS_SERVICE_UNAVAILABLE, WsAuthErrorCode } from "@tollgate/contracts";
import type { GameView } from "../domain/game";

/**
 * A connected client as presence sees it: who it is, which games it joined, how to tell it
 * something. ws/game-connection.ts implements it over a socket; presence never sees the socket.
 */
export interface PresenceConnection {
  readonly id: string;
  readonly userId: string | undefined;
  readonly sessionId: string | undefined;
  /** Games this connection has joined (receives fan-out for). */
  readonly games: Set<string>;
  readonly closed: boolean;
  /** Sends a message; `json` is its text when the caller already has it (serialised once for many sockets). */
  send(message: ServerMessage, json?: string): void;
  /** The session or account was revoked: tell the client why and close. */
  closeWithAuthError(code: Exclude<WsAuthErrorCode, typeof WS_SERVICE_UNAVAILABLE>, message: string): void;
}

/** Tells both players of a game what changed (ws/game-broadcaster.ts implements it). */
export interface GameChangeAnnouncer {
  gameChanged(view: GameView): Promise<void>;
}
