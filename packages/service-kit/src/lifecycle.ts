import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { commonErrorCodes } from "@tollgate/contracts";
import { errorBody } from "./http/error-handler";
import { acceptRequestId } from "./http/request-id";
import type { Logger } from "./logger";

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
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish (idle keep-alive connections are
 * closed at once), then stop consumers and the relay, close pools, and exit 0. A step that fails
 * is logged and the rest still run; past `timeoutMs` the process exits 1.
 */
export function installGracefulShutdown(options: GracefulShutdownOptions): ShutdownHandle {
  const log = options.logger.child({ component: "shutdown" });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown: Promise<void> | undefined;

  const closeServer = () =>
    new Promise<void>((resolve) => {
      const drainTimer = setTimeout(() => {
        log.warn("in-flight requests did not finish in time; closing their connections");
        options.server.closeAllConnections();
      }, options.drainTimeoutMs ?? 5_000);
      // A keep-alive connection turns idle when its last response ends; close those as they appear.
      const idleSweep = setInterval(() => options.server.closeIdleConnections(), 50);
      options.server.close(() => {
        clearTimeout(drainTimer);
        clearInterval(idleSweep);
        resolve();
      });
      options.server.closeIdleConnections();
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

/** Listens and resolves with the bound port (port 0 picks a free one); parser refusals get the standard body. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  answerClientErrors(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}
