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
  constructor(
    readonly dependency: string,
    options: { cause?: unknown; retryAfterSeconds?: number; errorCode?: string; detail?: string } = {},
  ) {
    super(503, options.errorCode ?? commonErrorCodes.SERVICE_UNAVAILABLE, options.detail ?? `${dependency} is unavailable, try again shortly`, {
      cause: options.cause,
      headers: { "Retry-After": String(options.retryAfterSeconds ?? 5) },
    });
  }
}

/** Postgres SQLSTATEs meaning "the database is not there right now" (classes 08 and 57P, and 53300). */
const DATABASE_UNAVAILABLE_STATES = new Set(["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300"]);
const SOCKET_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

/**
 * Names the dependency behind an error that only says it could not be reached: Postgres (knex
 * found no connection in time, the server refused or dropped it, is shutting down or full) or
 * Redis (ioredis gave up or the connection is closed). Such a request may succeed in a moment, so
 * it answers 503 with Retry-After rather than 500.
 */
export function unavailableDependency(error: unknown): DependencyUnavailableError | undefined {
  // Duck-typed: errors from node's own modules may come from another realm (jest's sandbox).
  for (let current: unknown = error, depth = 0; typeof current === "object" && current !== null && depth < 4; depth++) {
    const { name = "", message = "", code } = current as { name?: string; message?: string; code?: unknown };
    const isRedis = name === "MaxRetriesPerRequestError" || message === "Connection is closed." || message.startsWith("Stream isn't writeable");
    if (isRedis) return new DependencyUnavailableError("redis", { cause: error, retryAfterSeconds: 2 });
    if (name === "KnexTimeoutError" || message.startsWith("Connection terminated") || (typeof code === "string" && DATABASE_UNAVAILABLE_STATES.has(code))) {
      return new DependencyUnavailableError("database", { cause: error, retryAfterSeconds: 2 });
    }
    if (typeof code === "string" && SOCKET_ERROR_CODES.has(code)) return new DependencyUnavailableError("a dependency", { cause: error, retryAfterSeconds: 2 });
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

/** Parses with a schema or throws a 422 naming the failing fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where = "request body"): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, where);
  return result.data;
}
