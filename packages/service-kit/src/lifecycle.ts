import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { commonErrorCodes } from "@tollgate/contracts";
import { errorBody } from "./http/error-handler";
import { acceptRequestId } from "./http/request-id";
import type { Logger } from "./logger";
import { ConnectionDrain } from "./connection-drain";

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

export interface GracefulShutdownOptions {
  server: Server;
  logger: Logger;
  /** Run in order after the server stops accepting and in-flight requests finish: consumers, relay, pools. */
  steps: ShutdownStep[];
  /** In-flight requests get this long before their connections are cut. */
  drainTimeoutMs?: number;
  /** Hard limit for the whole shutdown. */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  isShuttingDown: () => boolean;
  /** Starts the shutdown (signals call this); resolves when it has finished. */
  shutdown: (reason: string) => Promise<void>;
}

/**
 * How long a keep-alive connection may sit idle during a drain before it is closed: a client that
 * is using it sends its next request sooner, and that request is answered with `Connection: close`.
 */
const DRAIN_IDLE_LINGER_MS = 1_000;

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (answered with `Connection: close`;
 * idle keep-alive connections close once idle for a second, see `ConnectionDrain`), then stop
 * consumers and the relay, close pools, and exit 0. A step that fails is logged and the rest still
 * run; past `timeoutMs` the process exits 1.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): ShutdownHandle {
  const log = options.logger.child({ component: "shutdown" });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const drain = new ConnectionDrain(options.server);
  let shuttingDown: Promise<void> | undefined;

  const closeServer = () =>
    new Promise<void>((resolve) => {
      const drainTimer = setTimeout(() => {
        log.warn("in-flight requests did not finish in time; closing their connections", { open: drain.open });
        options.server.closeAllConnections();
        drain.closeIdle(0);
      }, options.drainTimeoutMs ?? 5_000);
      const idleSweep = setInterval(() => drain.closeIdle(DRAIN_IDLE_LINGER_MS), 50);
      drain.start(() => {
        clearTimeout(drainTimer);
        clearInterval(idleSweep);
        resolve();
      });
    });

  const shutdown = (reason: string): Promise<void> => {
    shuttingDown ??= (async () => {
      log.info("shutting down", { reason });
      const hardLimit = setTimeout(() => {
        log.error("shutdown took too long; exiting");
        exit(1);
      }, options.timeoutMs ?? 15_000);
      hardLimit.unref();
      await closeServer();
      for (const step of options.steps) {
        try {
          await step.run();
        } catch (error) {
          log.error("shutdown step failed", { step: step.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
      clearTimeout(hardLimit);
      log.info("shut down cleanly");
      exit(0);
    })();
    return shuttingDown;
  };

  for (const signal of options.signals ?? (["SIGTERM", "SIGINT"] as NodeJS.Signals[])) {
    process.once(signal, () => void shutdown(signal));
  }
  return { isShuttingDown: () => shuttingDown !== undefined, shutdown };
}

/**
 * A request node's HTTP parser refuses before any handler sees it (an unknown method, a malformed
 * request line or header, RFC 9112 §3): answered with the standard error body and its own request
 * id instead of node's bare `400` with no body. Sockets that already sent a response, or are gone,
 * are just closed.
 */
export function answerClientErrors(server: Server): void {
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
    // The parser may have stopped before the headers: a well-formed X-Request-Id in the bytes it saw is kept.
    const raw = (error as NodeJS.ErrnoException & { rawPacket?: Buffer }).rawPacket?.toString("latin1") ?? "";
    const requestId = acceptRequestId(/\r\nx-request-id:[ \t]*([^\r\n]*)/i.exec(raw)?.[1]?.trim());
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify(
      errorBody(status, tooLarge ? "HEADERS_TOO_LARGE" : commonErrorCodes.BAD_REQUEST, tooLarge ? "request headers are too large" : "the request could not be parsed as HTTP/1.1", { request_id: requestId }),
    );
    socket.end(`HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\nContent-Type: application/json; charset=utf-8\r\nX-Request-Id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}

/**
 * How long the gateway keeps an idle connection to a service for reuse: nginx's upstream
 * `keepalive_timeout`, 60 s by default, and infra/gateway/nginx.conf.template sets none (its test
 * reads the rendered configuration to keep this true).
 */
export const GATEWAY_UPSTREAM_KEEPALIVE_MS = 60_000;
/**
 * A service keeps idle connections longer than the gateway does, so it is always the gateway that
 * closes one: with node's default of 5 s, nginx reused a connection node was closing that instant
 * and a purchase got the gateway's 503 without reaching the token service (#17). node's
 * documentation asks for `headersTimeout` above `keepAliveTimeout` in this arrangement.
 */
export const SERVER_KEEP_ALIVE_TIMEOUT_MS = GATEWAY_UPSTREAM_KEEPALIVE_MS + 5_000;
export const SERVER_HEADERS_TIMEOUT_MS = SERVER_KEEP_ALIVE_TIMEOUT_MS + 1_000;

/**
 * Listens and resolves with the bound port (port 0 picks a free one); parser refusals get the
 * standard body; idle keep-alive connections outlive the gateway's (`SERVER_KEEP_ALIVE_TIMEOUT_MS`).
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  answerClientErrors(server);
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = SERVER_HEADERS_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
