import { z } from "zod";

/**
 * Keyset pagination, newest first: a page ends at its last item's sort key, its creation time
 * to the microsecond (Postgres's precision; a JavaScript Date would round it and lose or repeat
 * rows created in the same millisecond) and its id, the tie-breaker. The next page starts strictly
 * after that key, so rows added meanwhile never shift a page: no duplicates, no gaps.
 */
export interface PagePosition {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC, six fractional digits. */
  at: string;
  id: string;
}

const positionSchema = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), z.uuid().toLowerCase()]);

/** The opaque `next_cursor` of a page: base64url of the position; clients pass it back as `cursor`, unchanged. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), "utf8").toString("base64url");
}

/** `cursor` as a query parameter: a string a list answered with as `next_cursor`, decoded to its position. */
export const pageCursorSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this list gave out")
  .transform((value, ctx): PagePosition => {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    } catch {
      decoded = undefined;
    }
    const parsed = positionSchema.safeParse(decoded);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: "is not a cursor this list gave out" });
      return z.NEVER;
    }
    return { at: parsed.data[0], id: parsed.data[1] };
  });
