import { uuidParamSchema } from "@tollgate/contracts";
import type { Request } from "express";
import { NotFoundError, type AppError } from "../errors";

/**
 * The UUID in path parameter `name` (`:id` by default), for every router that takes an id. An id
 * that is not a UUID names no resource, so it answers 404 like an id that names nothing (or
 * someone else's): pass the route's own not-found error so both answer the same body, e.g.
 * `() => new PurchaseNotFoundError()`. The check is `uuidParamSchema`'s, the schema the API
 * documents show for the parameter. Returns it in lower case.
 */
export function uuidPathParam(req: Request, name = "id", notFound: () => AppError = () => new NotFoundError()): string {
  const parsed = uuidParamSchema.shape.id.safeParse(req.params[name]);
  if (!parsed.success) throw notFound();
  // RFC 9562 §4: UUIDs are compared case-insensitively and written in lower case; an id is
  // answered back the way it is stored, not the way one caller typed it.
  return parsed.data.toLowerCase();
}
