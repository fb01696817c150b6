import { commonErrorCodes, type ErrorBody } from "@tollgate/contracts";
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { AppError, unavailableDependency } from "../errors";
import type { Logger } from "../logger";
import { currentRequestId } from "../request-context";

export function errorBody(statusCode: number, errorCode: string, detail: string, extra: Partial<ErrorBody> = {}): ErrorBody {
  return {
    detail,
    error_code: errorCode,
    status_code: statusCode,
    timestamp: new Date().toISOString(),
    request_id: currentRequestId() ?? "none",
    ...extra,
  };
}

export function sendError(res: Response, error: AppError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.statusCode).json(errorBody(error.statusCode, error.errorCode, error.detail, error.errors ? { errors: error.errors } : {}));
}

/** body-parser (and raw-body) mark their errors with `type`; map them to our codes. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  // A body that does not decode as its Content-Encoding says (zlib's Z_* codes, brotli's
  // ERR__ERROR_*): the client's mistake, 400, never a 500 that would page someone.
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && /^(Z_|ERR__ERROR_)/.test(code)) {
    return new AppError(400, commonErrorCodes.BAD_REQUEST, "request body does not decode as its Content-Encoding says");
  }
  if (!("type" in error)) return undefined;
  switch ((error as { type: unknown }).type) {
    // The parser's message quotes the body, which may hold a password: never pass it on.
    case "entity.parse.failed":
      return new AppError(400, commonErrorCodes.MALFORMED_JSON, "request body is not valid JSON");
    case "entity.too.large":
      return new AppError(413, commonErrorCodes.PAYLOAD_TOO_LARGE, "request body is too large");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported body encoding or charset");
    case "request.aborted":
      return new AppError(400, commonErrorCodes.BAD_REQUEST, "request aborted");
    case "request.size.invalid":
      return new AppError(400, commonErrorCodes.BAD_REQUEST, "request size did not match content-length");
    default:
      return undefined;
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, commonErrorCodes.NOT_FOUND, `no route for ${req.method} ${req.path}`));
};

/**
 * What a failed request answers: known errors as they are (a 5xx logged as a dependency failure),
 * body-parser's mapped to our codes, a database or Redis that cannot be reached a 503, anything
 * else a 500 without details, logged in full.
 */
export function toAppError(error: unknown, log: Logger, request: { method?: string; path: string }): AppError {
  const known = error instanceof AppError ? error : (fromBodyParser(error) ?? unavailableDependency(error));
  if (known) {
    if (known.statusCode >= 500) log.warn("dependency failure", { path: request.path, error_code: known.errorCode, cause: known.cause });
    return known;
  }
  log.error("unhandled error", { method: request.method, path: request.path, error });
  return new AppError(500, commonErrorCodes.INTERNAL_ERROR, "internal server error");
}

/** The one error middleware: the standard body for everything, a 500 without details for the unknown. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const log = logger.child({ component: "http-error" });
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendError(res, toAppError(error, log, req));
  };
}
