import { commonErrorCodes, type FieldIssue } from "@tollgate/contracts";
import type { z } from "zod";

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  errors?: FieldIssue[];
}

/**
 * The base of every error a service answers with on purpose. `detail` is shown to the client, so
 * it never holds a secret or an internal message; `cause` is logged, never shown.
 */
export class AppError extends Error {
  readonly headers: Record<string, string>;
  readonly errors: FieldIssue[] | undefined;

  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, errorCode: string = commonErrorCodes.BAD_REQUEST, options?: AppErrorOptions) {
    super(400, errorCode, detail, options);
  }
}

export class ValidationError extends AppError {
  constructor(detail: string, errors: FieldIssue[] = [], errorCode: string = commonErrorCodes.VALIDATION_ERROR) {
    super(422, errorCode, detail, { errors });
  }

  static fromZod(error: z.ZodError, where: string): ValidationError {
    const errors = error.issues.slice(0, 20).map((issue) => ({
      path: issue.path.map(String).join(".") || where,
      // zod messages name the expected shape, never echo the received value.
      message: issue.message,
    }));
    const first = errors[0];
    return new ValidationError(first ? `invalid ${where}: ${first.path}: ${first.message}` : `invalid ${where}`, errors);
  }
}

export class AuthenticationError extends AppError {
  constructor(detail = "authentication required", errorCode: string = commonErrorCodes.UNAUTHENTICATED, options?: AppErrorOptions) {
    super(401, errorCode, detail, {
      ...options,
      headers: { "WWW-Authenticate": 'Bearer realm="tollgate"', ...options?.headers },
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail = "forbidden", errorCode: string = commonErrorCodes.FORBIDDEN) {
    super(403, errorCode, detail);
  }
}

export class NotFoundError extends AppError {
  constructor(detail = "not found", errorCode: string = commonErrorCodes.NOT_FOUND) {
    super(404, errorCode, detail);
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, errorCode: string = commonErrorCodes.CONFLICT) {
    super(409, errorCode, detail);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    detail = "too many requests",
    errorCode: string = commonErrorCodes.RATE_LIMITED,
  ) {
    super(429, errorCode, detail, { headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** A dependency (database, another service, an upstream) did not answer in time or failed. */
export class DependencyUnavailableError extends AppError {
  /** When to try again: the `Retry-After` of an HTTP answer, `retry_after` of a WebSocket message. */
  readonly retryAfterSeconds: number;

  constructor(
    readonly dependency: string,
    options: { cause?: unknown; retryAfterSeconds?: number; errorCode?: string; detail?: string } = {},
  ) {
    const retryAfterSeconds = options.retryAfterSeconds ?? 5;
    super(503, options.errorCode ?? commonErrorCodes.SERVICE_UNAVAILABLE, options.detail ?? `${dependency} is unavailable, try again shortly`, {
      cause: options.cause,
      headers: { "Retry-After": String(retryAfterSeconds) },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * How ioredis fails a command that Redis could not answer (as opposed to one Redis refused). Each
 * was a 500 somewhere before it was listed here; "Command timed out" gave 3 of 10
 * `POST /api/v1/games` a 500 during a Redis outage (issue #17).
 */
const REDIS_UNAVAILABLE_MESSAGES = [
  // No reply within the profile's commandTimeout: Redis frozen, overloaded, or the network silent.
  "Command timed out",
  // The client is closed, or gave up reconnecting.
  "Connection is closed.",
  // Disconnected, and the client does not queue commands while it reconnects (every profile once ready).
  "Stream isn't writeable",
  // MaxRetriesPerRequestError: the command was queued or in flight across failed reconnections.
  "Reached the max retries per request limit",
  // A MULTI or a pipeline cut off by the connection closing.
  "Command aborted due to connection close",
];
/** Replies of a Redis that is there but cannot serve yet: loading its data, held by a script, a replica without its master. */
const REDIS_UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN) /;

/** pg and knex saying there is no usable connection: dropped, timed out, refused by the pool. */
const DATABASE_UNAVAILABLE_MESSAGES = ["Connection terminated", "Client has encountered a connection error", "Client was closed", "Unable to acquire a connection", "Query read timeout"];
/** Postgres SQLSTATEs meaning "the database is not there right now": class 08, 57P01-03 (shutting down, starting up), class 53 (out of connections, memory, disk). */
const DATABASE_UNAVAILABLE_STATES = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53000", "53100", "53200", "53300"]);
const SOCKET_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

const RETRY_AFTER_SECONDS = 2;

function isRedisUnavailable(name: string, message: string): boolean {
  if (name === "MaxRetriesPerRequestError") return true;
  if (name === "ReplyError") return REDIS_UNAVAILABLE_REPLY.test(message);
  return REDIS_UNAVAILABLE_MESSAGES.some((known) => message.startsWith(known));
}

function isDatabaseUnavailable(name: string, message: string, code: unknown): boolean {
  if (name === "KnexTimeoutError") return true;
  if (typeof code === "string" && DATABASE_UNAVAILABLE_STATES.has(code)) return true;
  return DATABASE_UNAVAILABLE_MESSAGES.some((known) => message.startsWith(known));
}

/**
 * Names the dependency behind an error that only says it could not be reached: Postgres (knex
 * found no connection in time, the server refused or dropped it, is shutting down or full) or
 * Redis (every way ioredis fails a command it could not get answered). Such a request may succeed
 * in a moment, so it answers 503 with Retry-After rather than 500. A DependencyUnavailableError
 * is returned as it is; anything else gives undefined.
 */
export function unavailableDependency(error: unknown): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  // Duck-typed: errors from node's own modules may come from another realm (jest's sandbox).
  for (let current: unknown = error, depth = 0; typeof current === "object" && current !== null && depth < 4; depth++) {
    const { name = "", message = "", code } = current as { name?: unknown; message?: unknown; code?: unknown };
    const [nameText, messageText] = [String(name), String(message)];
    if (isRedisUnavailable(nameText, messageText)) return new DependencyUnavailableError("redis", { cause: error, retryAfterSeconds: RETRY_AFTER_SECONDS });
    if (isDatabaseUnavailable(nameText, messageText, code)) return new DependencyUnavailableError("database", { cause: error, retryAfterSeconds: RETRY_AFTER_SECONDS });
    if (typeof code === "string" && SOCKET_ERROR_CODES.has(code)) return new DependencyUnavailableError("a dependency", { cause: error, retryAfterSeconds: RETRY_AFTER_SECONDS });
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The breaker guarding a dependency is open: we do not even try. */
export class BreakerOpenError extends DependencyUnavailableError {
  constructor(dependency: string, options: { retryAfterSeconds?: number; errorCode?: string } = {}) {
    super(dependency, {
      retryAfterSeconds: options.retryAfterSeconds,
      errorCode: options.errorCode ?? commonErrorCodes.BREAKER_OPEN,
      detail: `${dependency} is unavailable (circuit open), try again shortly`,
    });
  }
}

/**
 * Parses with a schema or throws a 422 naming the failing fields. With `where` "query" (a parsed
 * query string), a parameter given more than once (`?limit=2&limit=3`) is refused first, naming
 * it: the query parser makes a list of it, which the schema's number or text check reported as
 * "received NaN" (issue #19). No query parameter of the API takes a list. (Express's query parser
 * keeps brackets in the name: `limit[]` is an unknown parameter, refused by the schema.)
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where = "request body"): z.infer<S> {
  if (where === "query" && typeof value === "object" && value !== null) {
    const repeated = Object.entries(value).filter(([, given]) => typeof given !== "string").map(([name]) => name);
    if (repeated.length > 0) {
      const message = "must be given once, as a single value";
      throw new ValidationError(`invalid query: ${repeated[0]}: ${message}`, repeated.slice(0, 20).map((path) => ({ path, message })));
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, where);
  return result.data;
}
