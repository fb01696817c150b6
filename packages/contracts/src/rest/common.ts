import { z } from "zod";

/** Query-string booleans arrive as text; only "true" and "false" are accepted. */
export const queryBooleanSchema = z.enum(["true", "false"]).transform((value) => value === "true");

// Every UUID a client sends (path, query, body, socket message) is read in lower case: RFC 9562 §4
// compares UUIDs case-insensitively and writes them in lower case, so "93F00BCE-…" names the same
// row as "93f00bce-…" and is answered back as stored.
export const uuidParamSchema = z.object({ id: z.uuid().toLowerCase() });
export type UuidParam = z.infer<typeof uuidParamSchema>;

/**
 * Text a person types that is stored (reasons, descriptions, names, search terms): `min`..`max`
 * characters, no control characters (C0, DEL, C1) and no lone UTF-16 surrogate. Postgres cannot
 * store a NUL in text (a `"reason":"ab\u0000cd"` adjustment was a 500, issue #19), and a lone
 * surrogate is not a character at all (`"a\ud800bc"` was stored as U+FFFD). One pattern, so the
 * API documents show it too. `trim` strips surrounding white space before the length is checked.
 */
const freeTextPattern = /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/**
 * A letter, digit, punctuation mark or symbol (Unicode general categories L, N, P, S): what a
 * reader can see. White space, format characters (zero-width spaces and joiners, U+FEFF, bidi
 * controls) and combining marks alone show nothing: a reason of three U+200B passed the length
 * check and was stored as an empty-looking reason (issue #19).
 */
const visibleCharacter = /[\p{L}\p{N}\p{P}\p{S}]/u;

export function freeTextSchema(min: number, max: number, options: { trim?: boolean } = {}) {
  const text = options.trim ? z.string().trim() : z.string();
  const checked = text.min(min).max(max).regex(freeTextPattern, "must not contain control characters or unpaired surrogates");
  return min > 0 ? checked.refine((value) => visibleCharacter.test(value), "must contain a visible character (a letter, digit, punctuation mark or symbol)") : checked;
}
