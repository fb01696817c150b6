import { mapUrl, type MapUrlOptions, type RewriteContext } from "./url-mapping";

const isWhitespace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\f" || char === "\r";

/**
 * The [start, end) of every candidate's URL in a `srcset` (or `imagesrcset`) value, following
 * WHATWG HTML's "parse a srcset attribute": candidates are separated by commas; a URL is a run of
 * non-whitespace, minus trailing commas; descriptors run to the next comma outside parentheses.
 *
 * `/a.png 1x, /b.png 2x` → [[0, 6], [11, 17]]; `/a.png, /b.png` → [[0, 6], [8, 14]]; `/a,b.png 1x`
 * → [[0, 8]] (a comma inside a URL run is part of it).
 */
export function srcsetUrlSpans(value: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let at = 0;
  for (;;) {
    while (isWhitespace(value[at]) || value[at] === ",") at++;
    if (at >= value.length) return spans;
    const start = at;
    while (at < value.length && !isWhitespace(value[at])) at++;
    let end = at;
    while (end > start && value[end - 1] === ",") end--;
    spans.push([start, end]);
    if (end < at) continue;
    let inParens = false;
    for (; at < value.length; at++) {
      if (value[at] === "(") inParens = true;
      else if (value[at] === ")") inParens = false;
      else if (value[at] === "," && !inParens) break;
    }
  }
}

/** Maps each candidate URL of a srcset value through `mapUrl`; descriptors and separators keep their bytes. */
export function mapSrcset(value: string, ctx: RewriteContext, options?: MapUrlOptions): string {
  let out = "";
  let copied = 0;
  for (const [start, end] of srcsetUrlSpans(value)) {
    out += value.slice(copied, start) + mapUrl(value.slice(start, end), ctx, options);
    copied = end;
  }
  return out + value.slice(copied);
}
