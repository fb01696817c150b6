import { commonErrorCodes } from "@tollgate/contracts";
import { parse as parseContentType } from "content-type";
import express, { type RequestHandler } from "express";
import { AppError } from "../errors";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers["content-length"];
  return headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * The charset a JSON body declares, lower-cased; undefined when it names none. Throws TypeError for
 * a Content-Type header that does not parse (RFC 9110 §8.3).
 */
function declaredCharset(header: string): string | undefined {
  return parseContentType(header).parameters.charset?.toLowerCase();
}

/**
 * A request that carries a body must say it is JSON, in UTF-8; anything else is a 415, never
 * ignored or guessed. JSON exchanged between systems must be UTF-8 (RFC 8259 §8.1), so a
 * `charset` other than utf-8, its registered name (`latin1`, `utf-16`, `utf8`, …), is refused
 * whole, before anything is parsed.
 */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (!BODY_METHODS.has(req.method) || !hasBody(req.headers)) {
    next();
    return;
  }
  if (!req.is("application/json")) {
    next(new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json"));
    return;
  }
  let charset: string | undefined;
  try {
    charset = declaredCharset(req.headers["content-type"] ?? "");
  } catch {
    next(new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, "the Content-Type header does not parse"));
    return;
  }
  if (charset !== undefined && charset !== "utf-8") {
    next(new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, `request body must be UTF-8 JSON (charset=${charset} is not accepted)`));
    return;
  }
  next();
};

/**
 * 415 for non-JSON bodies, then JSON parsing with a size limit (413 above it, 400 MALFORMED_JSON
 * when it is not JSON). Any JSON text is read, a bare `null`, `1`, `true` or `"x"` too (RFC 8259
 * §2 allows any value at the top): it is valid JSON of the wrong shape, which the route's schema
 * answers with 422 VALIDATION_ERROR, not a claim that the JSON is broken.
 */
export function jsonBody(limit: string): RequestHandler[] {
  return [requireJsonContentType, express.json({ limit, strict: false, type: "application/json" })];
}
