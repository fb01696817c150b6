import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { requestContext } from "../request-context";

/** A client or gateway may send its own id; anything odd-looking is replaced, never echoed. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function acceptRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && WELL_FORMED.test(incoming) ? incoming : randomUUID();
}

export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const requestId = acceptRequestId(req.headers["x-request-id"]);
  req.headers["x-request-id"] = requestId;
  res.setHeader("X-Request-Id", requestId);
  requestContext.run({ requestId }, next);
};
