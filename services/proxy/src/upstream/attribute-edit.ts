import type { Token } from "parse5";

/** Replace source[start, end) with text. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

const isWhitespace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\f" || char === "\r";

/** Characters that would end or change an unquoted value (WHATWG HTML §13.2.5.38), and `&`. */
const UNSAFE_UNQUOTED = /[\s"'=<>`&]/;

function escapeValue(value: string, quote: string): string {
  const escaped = value.replace(/&/g, "&amp;");
  return quote === "'" ? escaped.replace(/'/g, "&#39;") : escaped.replace(/"/g, "&quot;");
}

/**
 * The edit that gives one attribute the value `next` in `html`, where `location` spans the whole
 * attribute (`name="value"`, `name='value'`, `name=value`) as parse5 reports it and `value` is
 * what parse5 decoded from it.
 *
 * When the source value holds no character references, only the part of it that changed is
 * replaced (`href="/x?a=1&b=2"` becomes `href="/api/v1/proxy/x?a=1&b=2"`, every other byte
 * kept). Otherwise the whole value is written again, escaped for its quotes (an unquoted value
 * gets double quotes). Undefined when nothing changes or the source does not read as expected.
 */
export function attributeEdit(html: string, location: Token.Location, name: string, value: string, next: string): Edit | undefined {
  if (next === value) return undefined;
  const raw = html.slice(location.startOffset, location.endOffset);
  if (raw.slice(0, name.length).toLowerCase() !== name) return undefined;
  let at = name.length;
  while (isWhitespace(raw[at])) at++;
  if (raw[at] !== "=") return undefined;
  at++;
  while (isWhitespace(raw[at])) at++;
  const quote = raw[at] === '"' || raw[at] === "'" ? raw[at] ?? "" : "";
  const start = location.startOffset + at + quote.length;
  const end = location.endOffset - quote.length;
  if (html.slice(start, end) === value) {
    // Same text on both sides: keep the unchanged tail byte for byte, replace only the head.
    let tail = 0;
    while (tail < value.length && tail < next.length && value[value.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
    const head = next.slice(0, next.length - tail);
    const safe = quote ? !head.includes(quote) && !head.includes("&") : next !== "" && !UNSAFE_UNQUOTED.test(head);
    if (safe) return { start, end: end - tail, text: head };
  }
  return quote ? { start, end, text: escapeValue(next, quote) } : { start, end, text: `"${escapeValue(next, '"')}"` };
}

/** Applies non-overlapping edits to `source`. */
export function applyEdits(source: string, edits: Edit[]): string {
  if (edits.length === 0) return source;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let copied = 0;
  for (const edit of sorted) {
    out += source.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  return out + source.slice(copied);
}
