import { EventEmitter } from "node:events";
import { serverMessageSchema, type ClientMessage, type ServerMessage } from "@tollgate/contracts";
import WebSocket from "ws";

export interface GameSocketOptions {
  /** ws(s)://gateway/ws/game */
  url: string;
  /** A fresh access token for each (re)connection. */
  token: () => Promise<string>;
  heartbeatMs: number;
  reconnect: boolean;
  maxBackoffMs: number;
  /** Certificate authorities to trust for wss (PEM), besides the system's. */
  ca?: string | Buffer;
}

type Message<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

export interface GameSocketEvents {
  ready: [userId: string];
  state: [Message<"game:state">];
  event: [Message<"game:event">];
  over: [Message<"game:over">];
  opponent_disconnected: [Message<"game:opponent_disconnected">];
  opponent_reconnected: [Message<"game:opponent_reconnected">];
  server_error: [Message<"error">];
  auth_error: [Message<"auth_error">];
  closed: [{ code: number; reason: string; willReconnect: boolean }];
  /** `find()` was accepted: this player waits in the queue with this rating. */
  queued: [Message<"game:queued">];
  /** Paired: `join(game_id)` to play (`you_are` says which seat, player1 moves first). */
  matched: [Message<"game:matched">];
  find_cancelled: [Message<"game:find_cancelled">];
  /** Nobody was found within the service's matchmaking timeout; the player has left the queue. */
  no_opponent: [Message<"game:no_opponent">];
}

/**
 * A game connection that authenticates with the Authorization header, sends heartbeats, and on a
 * dropped connection reconnects with back-off and rejoins the games it had joined. Auth failures
 * (close 4401) are final: they need a new login.
 */
export class GameSocket extends EventEmitter<GameSocketEvents> {
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly joined = new Set<string>();
  private readonly versions = new Map<string, number>();
  private closedByUser = false;
  /** In the matchmaking queue (as far as this side knows): a reconnection queues again. */
  private finding = false;
  private attempt = 0;

  constructor(private readonly options: GameSocketOptions) {
    super();
  }

  /** Opens the connection; resolves once the server has accepted the credentials. */
  async connect(): Promise<string> {
    this.closedByUser = false;
    const token = await this.options.token();
    const socket = new WebSocket(this.options.url, { headers: { Authorization: `Bearer ${token}` }, ca: this.options.ca });
    this.socket = socket;
    return new Promise<string>((resolve, reject) => {
      socket.once("error", reject);
      socket.on("message", (data) => {
        const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) return;
        const message = parsed.data;
        if (message.type === "auth_ok") {
          this.attempt = 0;
          socket.off("error", reject);
          socket.on("error", () => undefined);
          this.startHeartbeat();
          for (const gameId of this.joined) this.send({ type: "game:join", game_id: gameId });
          // A closed socket left the queue on the server; a player still looking queues again.
          if (this.finding) this.send({ type: "game:find" });
          this.emit("ready", message.user_id);
          resolve(message.user_id);
          return;
        }
        if (message.type === "auth_error") reject(Object.assign(new Error(message.message), { code: message.code }));
        this.dispatch(message);
      });
      socket.once("close", (code, reason) => this.onClose(code, reason.toString()));
    });
  }

  join(gameId: string): void {
    this.joined.add(gameId);
    this.send({ type: "game:join", game_id: gameId });
  }

  /**
   * Queues this player for a match (after `connect()`): `queued` follows, then `matched` (join its
   * `game_id`), or `no_opponent` after the service's timeout; `server_error` with code
   * `already_queued` or `already_in_game` when it cannot.
   */
  find(): void {
    this.finding = true;
    this.send({ type: "game:find" });
  }

  /** Leaves the matchmaking queue; `find_cancelled` follows. */
  cancelFind(): void {
    this.finding = false;
    this.send({ type: "game:find_cancel" });
  }

  /** Plays on the latest version this socket has seen of the game. */
  act(gameId: string, action: unknown): void {
    this.send({ type: "game:action", game_id: gameId, seq: this.versions.get(gameId) ?? 0, action });
  }

  resign(gameId: string): void {
    this.send({ type: "game:resign", game_id: gameId });
  }

  /** Resolves with the next message of a type (optionally matching), for scripts and tests. */
  next<K extends keyof GameSocketEvents>(event: K, match: (...args: GameSocketEvents[K]) => boolean = () => true, timeoutMs = 15_000): Promise<GameSocketEvents[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, listener as never);
        reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (...args: GameSocketEvents[K]) => {
        if (!match(...args)) return;
        clearTimeout(timer);
        this.off(event, listener as never);
        resolve(args);
      };
      this.on(event, listener as never);
    });
  }

  close(): void {
    this.closedByUser = true;
    this.stopHeartbeat();
    this.socket?.close(1000, "bye");
  }

  private dispatch(message: ServerMessage): void {
    switch (message.type) {
      case "game:state":
        this.versions.set(message.game_id, message.version);
        this.emit("state", message);
        break;
      case "game:event":
        this.emit("event", message);
        break;
      case "game:over":
        this.emit("over", message);
        break;
      case "game:opponent_disconnected":
        this.emit("opponent_disconnected", message);
        break;
      case "game:opponent_reconnected":
        this.emit("opponent_reconnected", message);
        break;
      case "error":
        this.emit("server_error", message);
        break;
      case "auth_error":
        this.emit("auth_error", message);
        break;
      case "game:queued":
        this.emit("queued", message);
        break;
      case "game:matched":
        this.finding = false;
        this.emit("matched", message);
        break;
      case "game:find_cancelled":
        this.finding = false;
        this.emit("find_cancelled", message);
        break;
      case "game:no_opponent":
        this.finding = false;
        this.emit("no_opponent", message);
        break;
      default:
        break;
    }
  }

  private onClose(code: number, reason: string): void {
    this.stopHeartbeat();
    const willReconnect = this.options.reconnect && !this.closedByUser && code !== 4401;
    this.emit("closed", { code, reason, willReconnect });
    if (!willReconnect) return;
    const delay = Math.min(this.options.maxBackoffMs, 250 * 2 ** this.attempt++);
    setTimeout(() => void this.connect().catch(() => undefined), delay).unref();
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => this.send({ type: "game:heartbeat" }), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
  }
}
