import { commonErrorCodes } from "@tollgate/contracts";
import express, { type RequestHandler } from "express";
import { AppError } from "../errors";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers["content-length"];
  return headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** A request that carries a body must say it is JSON; anything else is a 415, never ignored. */
export const requireJsonContentType: RequestHandler = (req, _res, next) => {
  if (BODY_METHODS.has(req.method) && hasBody(req.headers) && !req.is("application/json")) {
    next(new AppError(415, commonErrorCodes.UNSUPPORTED_MEDIA_TYPE, "request body must be application/json"));
    return;
  }
  next();
};

/** 415 for non-JSON bodies, then JSON parsing with a size limit (413 above it, 400 when malformed). */
export function jsonBody(limit: string): RequestHandler[] {
  return [requireJsonContentType, express.json({ limit, strict: true, type: "application/json" })];
}
