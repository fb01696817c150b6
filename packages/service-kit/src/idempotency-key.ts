import { idempotencyKeySchema, tokenErrorCodes } from "@tollgate/contracts";
import type { Request } from "express";
import { AppError, BadRequestError, parseOrThrow } from "./errors";

/**
 * The optional `Idempotency-Key` header of a POST that moves money or mints something (Stripe's
 * semantics); present but malformed (empty, over 255, non-printable) is a 422 naming it. Sent more
 * than once is a 400: node joins repeats with ", ", so `x1` and `x2` arrived as the valid key
 * "x1, x2" and bought a token under a key the client never sent. The token service's purchases and
 * every money-moving POST of billing read it here.
 */
export function idempotencyKeyHeader(req: Request): string | undefined {
  let sent = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]?.toLowerCase() === "idempotency-key") sent++;
  if (sent > 1) throw new BadRequestError(`send one Idempotency-Key header; this request has ${sent}`);
  const value = req.headers["idempotency-key"];
  return typeof value === "string" ? parseOrThrow(idempotencyKeySchema, value, "Idempotency-Key header") : undefined;
}

/** A request with this `Idempotency-Key` has not finished yet: retry shortly with the same key. */
export class IdempotencyKeyInUseError extends AppError {
  constructor(what = "a request") {
    super(409, tokenErrorCodes.IDEMPOTENCY_KEY_IN_USE, `${what} with this Idempotency-Key is still in progress; retry in a few seconds`, { headers: { "Retry-After": "2" } });
  }
}

/** The same `Idempotency-Key` was sent with another body (or to another route). */
export class IdempotencyKeyReusedError extends AppError {
  constructor(what = "request") {
    super(422, tokenErrorCodes.IDEMPOTENCY_KEY_REUSED, `this Idempotency-Key was used with a different ${what}; use a new key for a new one`);
  }
}
