import { STATUS_CODES } from "node:http";
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

/**
 * Headers that describe the body a failed handler was about to send, not the error's: a static
 * file's Content-Type stayed on its 416 (res.json keeps a Content-Type already set).
 */
const REPRESENTATION_HEADERS = ["Content-Type", "Content-Encoding", "Content-Language", "Content-Location", "Content-Range", "Content-Disposition", "ETag", "Last-Modified", "Accept-Ranges"];

export function sendError(res: Response, error: AppError): void {
  for (const name of REPRESENTATION_HEADERS) res.removeHeader(name);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.statusCode).json(errorBody(error.statusCode, error.errorCode, error.detail, error.errors ? { errors: error.errors } : {}));
}

/** Our codes for the statuses we answer often; any other 4xx gets its reason phrase in upper snake case. */
const CODE_BY_STATUS: Record<number, string> = {
  400: commonErrorCodes.BAD_REQUEST,
  401: commonErrorCodes.UNAUTHENTICATED,
  403: commonErrorCodes.FORBIDDEN,
  404: commonErrorCodes.NOT_FOUND,
  409: commonErrorCodes.CONFLICT,
  413: commonErrorCodes.PAYLOAD_TOO_LARGE,
  415: commonErrorCodes.UNSUPPORTED_MEDIA_TYPE,
  422: commonErrorCodes.VALIDATION_ERROR,
  429: commonErrorCodes.RATE_LIMITED,
};

/** The 4xx status an error from express, body-parser or raw-body carries (http-errors' `status`/`statusCode`). */
function clientErrorStatus(error: object): number | undefined {
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && Number.isInteger(value) && value >= 400 && value <= 499 ? value : undefined;
}

/**
 * Errors the HTTP libraries raise for a client's mistake, mapped to our codes. Each carries a 4xx
 * status; answering 500 for them paged for what a client sent (`/api/v1/tokens/%ff/revoke`: express
 * failed to decode the path parameter, a URIError with status 400). Their messages may quote the
 * request (a body holding a password, a path), so the detail is ours, never theirs.
 */
function fromHttpLibrary(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  // A body that does not decode as its Content-Encoding says (zlib's Z_* codes, brotli's
  // ERR__ERROR_*): the client's mistake, 400, never a 500 that would page someone.
  const code = (error as { code?: unknown }).code;
  // node's own error on a request body the client stopped sending (its socket closed): the
  // ECONNRESET made it a 503 "dependency failure", logged and counted, for a client that left.
  if (code === "ECONNRESET" && (error as { message?: unknown }).message === "aborted") {
    return new AppError(400, commonErrorCodes.BAD_REQUEST, "request aborted");
  }
  if (typeof code === "string" && /^(Z_|ERR__ERROR_)/.test(code)) {
    return new AppError(400, commonErrorCodes.BAD_REQUEST, "request body does not decode as its Content-Encoding says");
  }
  switch ((error as { type?: unknown }).type) {
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
  }
  const status = clientErrorStatus(error);
  if (status === undefined) return undefined;
  // Express decodes path parameters with decodeURIComponent: %ff, a lone %, a truncated or
  // surrogate UTF-8 sequence all throw here.
  if (error instanceof URIError || (error as { name?: unknown }).name === "URIError") {
    return new AppError(400, commonErrorCodes.BAD_REQUEST, "the path is not valid percent-encoding: each % takes two hex digits, and the bytes must be UTF-8");
  }
  const phrase = STATUS_CODES[status] ?? "client error";
  return new AppError(status, CODE_BY_STATUS[status] ?? phrase.toUpperCase().replace(/[^A-Z]+/g, "_"), phrase.toLowerCase());
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, commonErrorCodes.NOT_FOUND, `no route for ${req.method} ${req.path}`));
};

/**
 * What a failed request answers: known errors as they are (a 5xx logged as a dependency failure),
 * the HTTP libraries' 4xx mapped to our codes, a database or Redis that cannot be reached a 503, anything
 * else a 500 without details, logged in full.
 */
export function toAppError(error: unknown, log: Logger, request: { method?: string; path: string }): AppError {
  const known = error instanceof AppError ? error : (fromHttpLibrary(error) ?? unavailableDependency(error));
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
