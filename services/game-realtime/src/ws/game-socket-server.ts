import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { clientMessageSchema, commonErrorCodes } from "@tollgate/contracts";
import { acceptRequestId, bearerToken, errorBody, type Logger } from "@tollgate/service-kit";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { GameMetrics } from "../game-metrics";
import type { ConnectionManager } from "../presence/connection-manager";
import type { DisconnectGrace } from "../presence/disconnect-grace";
import type { Matchmaker } from "../presence/matchmaker";
import type { AuthHandler } from "./auth.handler";
import { CLOSE_GOING_AWAY, GameConnection } from "./game-connection";
import type { GameMessageHandler } from "./game-message.handler";

export const GAME_SOCKET_PATH = "/ws/game";
const HEARTBEAT_SLICES = 10;

export interface GameSocketOptions {
  /** Browser origins allowed; a request without Origin (desktop client) is always allowed. */
  allowedOrigins: string[];
  authTimeoutMs: number;
  maxPayloadBytes: number;
  pingIntervalMs: number;
  maxBufferedBytes: number;
  ratePerSecond: number;
  rateBurst: number;
}

export interface GameSocketDeps {
  logger: Logger;
  auth: AuthHandler;
  messages: GameMessageHandler;
  connections: ConnectionManager;
  grace: DisconnectGrace;
  matchmaker: Matchmaker;
  metrics: GameMetrics;
  options: GameSocketOptions;
}

export interface GameSocketServer {
  attach(server: Server): void;
  /** Closes every socket with 1001 (going away) and stops the timers. */
  close(): Promise<void>;
}

/** `/ws/game`: origin check on the upgrade, authentication, then one message at a time per socket. */
export function createGameSocketServer(deps: GameSocketDeps): GameSocketServer {
  const log = deps.logger.child({ component: "game-socket" });
  const { options } = deps;
  // Bigger frames are refused by ws itself with close code 1009 (message too big).
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, perMessageDeflate: false });
  // A handshake ws refuses (a POST, Upgrade: h2c, no Sec-WebSocket-Key, version 99) got its plain
  // text page; with this listener ws leaves the answer to us. Its messages are fixed strings.
  wss.on("wsClientError", (error: Error, socket: Duplex, req: IncomingMessage) =>
    req.method === "GET"
      ? refuse(socket, req, 400, "Bad Request", commonErrorCodes.WEBSOCKET_HANDSHAKE_INVALID, `not a WebSocket handshake: ${error.message}`)
      : refuse(socket, req, 405, "Method Not Allowed", "METHOD_NOT_ALLOWED", "a WebSocket handshake is a GET"),
  );
  const allowed = new Set(options.allowedOrigins);
  /** Each socket's message queue, so shutdown can wait for the last of them (presence clean-up, grace deadlines). */
  const queues = new Map<string, Promise<unknown>>();
  /** The sockets this server pings and closes (presence knows them only as PresenceConnections). */
  const sockets = new Set<GameConnection>();

  // Each socket is pinged once per interval, a tenth of them at a time: pinging every socket at
  // once brought every pong (and its presence refresh) back at once, a burst that held up moves
  // for up to 0.3 s every 30 s in the bench.
  let tick = 0;
  let opened = 0;
  const heartbeat = setInterval(() => {
    const slice = tick++ % HEARTBEAT_SLICES;
    for (const connection of sockets) {
      if (connection.heartbeatSlice !== slice) continue;
      // No pong since the last ping: the peer is gone without a close frame.
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      connection.ping();
    }
  }, options.pingIntervalMs / HEARTBEAT_SLICES);
  heartbeat.unref();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== GAME_SOCKET_PATH) return refuse(socket, req, 404, "Not Found", "NOT_FOUND", "no WebSocket here: the game socket is /ws/game");
    const origin = req.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      log.warn("websocket upgrade from a foreign origin refused", { origin });
      return refuse(socket, req, 403, "Forbidden", "ORIGIN_NOT_ALLOWED", "WebSocket connections from this origin are not allowed");
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  };

  const onConnection = (ws: WebSocket, req: IncomingMessage) => {
    const connection = new GameConnection(randomUUID(), ws, options, deps.metrics, opened++ % HEARTBEAT_SLICES);
    deps.connections.add(connection);
    sockets.add(connection);
    deps.metrics.connections.inc();
    let queue: Promise<unknown> = Promise.resolve();
    let lastRateNotice = 0;
    const enqueue = (work: () => Promise<unknown>) => {
      queue = queue.then(work).catch((error: unknown) => log.error("websocket handler failed", { error: error instanceof Error ? error.message : String(error) }));
      queues.set(connection.id, queue);
    };

    const authTimer = setTimeout(() => {
      if (!connection.authenticated) connection.closeWithAuthError("AUTH_TIMEOUT", `no authentication within ${options.authTimeoutMs} ms`);
    }, options.authTimeoutMs);
    const headerToken = bearerToken(req.headers.authorization);
    if (headerToken) enqueue(() => deps.auth.authenticate(connection, headerToken));

    ws.on("pong", () => {
      connection.alive = true;
      // Not on the socket's queue: every socket's pong arrives at once, and a move must not wait
      // behind thousands of presence refreshes in Redis (the bench saw 1 s). A refresh only pushes
      // expiries forward, so it needs no ordering with the socket's messages.
      if (connection.authenticated && !connection.closed) {
        deps.connections.refresh(connection).catch((error: unknown) => log.warn("presence refresh failed", { error: error instanceof Error ? error.message : String(error) }));
      }
    });
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!connection.allowMessage()) {
        deps.metrics.messagesIn.inc({ type: "rate_limited" });
        // One notice per second at most: answering every dropped message would let a flood
        // make the server send as much as it receives.
        if (Date.now() - lastRateNotice >= 1_000) {
          lastRateNotice = Date.now();
          connection.send({ type: "error", code: "RATE_LIMITED", message: "too many messages; slow down" });
        }
        return;
      }
      enqueue(() => onMessage(connection, data, isBinary));
    });
    ws.on("error", (error) => log.debug("websocket error", { connection_id: connection.id, error: error.message }));
    ws.on("close", () => {
      clearTimeout(authTimer);
      connection.clearExpiry();
      connection.closed = true;
      deps.metrics.connections.dec();
      enqueue(async () => {
        await deps.matchmaker.socketClosed(connection);
        const games = await deps.connections.remove(connection);
        sockets.delete(connection);
        if (connection.userId) for (const gameId of games) await deps.grace.playerLeft(gameId, connection.userId);
      });
      void queue.finally(() => {
        if (queues.get(connection.id) === queue) queues.delete(connection.id);
      });
    });
  };

  const onMessage = async (connection: GameConnection, data: RawData, isBinary: boolean): Promise<void> => {
    let json: unknown;
    try {
      json = JSON.parse(isBinary ? "" : data.toString());
    } catch {
      connection.send({ type: "error", code: "MALFORMED_JSON", message: "messages must be JSON text" });
      return;
    }
    const parsed = clientMessageSchema.safeParse(json);
    deps.metrics.messagesIn.inc({ type: parsed.success ? parsed.data.type : "invalid" });
    if (!parsed.success) {
      const type = typeof json === "object" && json !== null && "type" in json ? String(json.type).slice(0, 40) : undefined;
      connection.send({ type: "error", code: "INVALID_MESSAGE", message: "unknown message type or bad fields", ...(type ? { ref: type } : {}) });
      return;
    }
    const message = parsed.data;
    if (message.type === "auth") {
      await deps.auth.authenticate(connection, message.token);
      return;
    }
    if (!connection.userId) {
      connection.send({ type: "error", code: "NOT_AUTHENTICATED", message: "send an auth message first", ref: message.type });
      return;
    }
    await deps.messages.handle(connection, connection.userId, message);
  };

  let attached: Server | undefined;
  return {
    attach(server) {
      attached = server;
      server.on("upgrade", onUpgrade);
    },
    async close() {
      clearInterval(heartbeat);
      deps.grace.stop();
      attached?.off("upgrade", onUpgrade);
      for (const connection of sockets) connection.close(CLOSE_GOING_AWAY, "server shutting down");
      // Peers normally answer the close frame at once; one that does not is cut off.
      const cutOff = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 2_000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(cutOff);
      await Promise.all(queues.values());
    },
  };
}

/**
 * A refused upgrade, answered like every other error: the standard body with the request's id
 * (RFC 6455 §4.2.2: any non-101 refuses; §4.4: the versions we speak).
 */
function refuse(socket: Duplex, req: IncomingMessage, status: number, text: string, errorCode: string, detail: string): void {
  const requestId = acceptRequestId(req.headers["x-request-id"]);
  const body = JSON.stringify(errorBody(status, errorCode, detail, { request_id: requestId }));
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: ${requestId}\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
