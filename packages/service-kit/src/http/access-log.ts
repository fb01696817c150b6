import type { RequestHandler } from "express";
import type { Logger } from "../logger";

/** One line per request. Only the path is logged: query strings may carry tokens. */
export function accessLog(logger: Logger): RequestHandler {
  const log = logger.child({ component: "access" });
  return (req, res, next) => {
    // winston runs its formats even for a disabled level (~25 µs a call): skip the work up front.
    if (!log.isLevelEnabled("info")) {
      next();
      return;
    }
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.info("request", {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        duration_ms: Math.round(durationMs * 100) / 100,
        remote: req.ip,
        // 'finish' fires outside the request's async context, so name the id explicitly.
        request_id: req.headers["x-request-id"],
      });
    });
    next();
  };
}
