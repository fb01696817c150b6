import { WS_SERVICE_UNAVAILABLE, type ServerMessage, type WsAuthErrorCode } from "@tollgate/contracts";
import type { WebSocket } from "ws";
import type { GameMetrics } from "../game-metrics";
import type { PresenceConnection } from "../presence/presence.port";
import { TokenBucket } from "./rate-limiter";

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_INTERNAL_ERROR = 1011;
/** RFC 6455 §7.4.1 (IANA registry): the service cannot serve this now; connect again later. */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_AUTH_FAILED = 4401;

export interface ConnectionLimits {
  maxBufferedBytes: number;
  ratePerSecond: number;
  rateBurst: number;
}

/** One client socket and what the server knows about it. */
export class GameConnection implements PresenceConnection {
  userId: string | undefined;
  sessionId: string | undefined;
  /** Games this socket has joined (receives fan-out for). */
  readonly games = new Set<string>();
  /** Highest `game:state` version sent per game: fan-out from two instances may arrive out of order. */
  private readonly versions = new Map<string, number>();
  private readonly bucket: TokenBucket;
  alive = true;
  closed = false;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly metrics: GameMetrics,
    /** Which tenth of the ping interval this socket is pinged in. */
    readonly heartbeatSlice = 0,
  ) {
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst);
  }

  get authenticated(): boolean {
    return this.userId !== undefined;
  }

  allowMessage(): boolean {
    return this.bucket.tryTake();
  }

  /** Sends a message; `json` is its text when the caller already has it (serialised once for many sockets). */
  send(message: ServerMessage, json?: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (message.type === "game:state") {
      const seen = this.versions.get(message.game_id);
      if (seen !== undefined && message.version < seen) return;
      this.versions.set(message.game_id, message.version);
    }
    // A client that stops reading would make us hold every message for it in memory; cut it off.
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.terminate();
      return;
    }
    this.socket.send(json ?? JSON.stringify(message));
    this.metrics.messagesOut.inc({ type: message.type });
  }

  close(code: number, reason: string): void {
    this.clearExpiry();
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  /** Closes the socket with `token_expired` when its token runs out (replaces an earlier deadline). */
  expireAt(expiresAt: Date): void {
    this.clearExpiry();
    // setTimeout holds at most ~24.8 days; access tokens live minutes.
    const delay = Math.min(Math.max(0, expiresAt.getTime() - Date.now()), 2 ** 31 - 1);
    this.expiry = setTimeout(() => this.closeWithAuthError("BEARER_TOKEN_EXPIRED", "the access token has expired; send a fresh one before it does"), delay);
    this.expiry.unref();
  }

  clearExpiry(): void {
    clearTimeout(this.expiry);
    this.expiry = undefined;
  }

  /** The token is refused: 4401, which a client takes as "log in again". */
  closeWithAuthError(code: Exclude<WsAuthErrorCode, typeof WS_SERVICE_UNAVAILABLE>, message: string): void {
    this.send({ type: "auth_error", code, message });
    this.close(CLOSE_AUTH_FAILED, code);
  }

  /** The token could not be checked (a dependency is down): 1013, so the client retries with the same token. */
  closeUnavailable(message: string, retryAfterSeconds: number): void {
    this.send({ type: "auth_error", code: WS_SERVICE_UNAVAILABLE, message, retry_after: retryAfterSeconds });
    this.close(CLOSE_TRY_AGAIN_LATER, WS_SERVICE_UNAVAILABLE);
  }

  ping(): void {
    this.socket.ping();
  }

  terminate(): void {
    this.clearExpiry();
    this.closed = true;
    this.socket.terminate();
  }
}
