import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppError } from "../errors";
import type { Logger } from "../logger";
import { requestContext } from "../request-context";
import { errorBody, toAppError } from "./error-handler";
import type { HttpMetrics } from "./metrics";
import { acceptRequestId } from "./request-id";

export interface PlainRouteOptions {
  logger: Logger;
  metrics: HttpMetrics;
  /** The metrics label, e.g. `/api/v1/proxy/*`. */
  route: string;
  /** Renders an error (default: the standard JSON body); e.g. a page for browsers. */
  writeError?: (req: IncomingMessage, res: ServerResponse, error: AppError) => void;
}

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The standard error body on a bare node response. */
export function writeErrorResponse(res: ServerResponse, error: AppError): void {
  const body = JSON.stringify(errorBody(error.statusCode, error.errorCode, error.detail, error.errors ? { errors: error.errors } : {}));
  res.writeHead(error.statusCode, { ...error.headers, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * A route served straight from node's request event, for a hot path where express's router and
 * middleware chain cost more than the work itself (the proxy spent two thirds of each request
 * there: the root README.md, "Proxy throughput"). It gets what createHttpApp gives every request: the request id
 * (header and async context), the access log line, the metrics and the standard error body.
 */
export function plainRoute(options: PlainRouteOptions, handle: PlainHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const access = options.logger.child({ component: "access" });
  const errors = options.logger.child({ component: "http-error" });
  const { metrics, route } = options;
  const writeError = options.writeError ?? ((_req: IncomingMessage, res: ServerResponse, error: AppError) => writeErrorResponse(res, error));
  return (req, res) => {
    const requestId = acceptRequestId(req.headers["x-request-id"]);
    req.headers["x-request-id"] = requestId;
    res.setHeader("X-Request-Id", requestId);
    // Handlers may rewrite req.url (the proxy does): log and report the path that came in.
    const url = req.url ?? "/";
    const started = process.hrtime.bigint();
    const logged = access.isLevelEnabled("info");
    // By 'finish' the socket may already be detached from the request.
    const remote = logged ? req.socket.remoteAddress : undefined;
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { method: req.method ?? "GET", route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      if (logged) {
        access.info("request", { method: req.method, path: url.split("?")[0], status: res.statusCode, duration_ms: Math.round(seconds * 100_000) / 100, remote, request_id: requestId });
      }
    });
    requestContext.run({ requestId }, () => {
      handle(req, res).catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        writeError(req, res, toAppError(error, errors, { method: req.method, path: url.split("?")[0] ?? "/" }));
      });
    });
  };
}
