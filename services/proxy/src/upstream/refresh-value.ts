import { mapUrl, type MapUrlOptions, type RewriteContext } from "./url-mapping";

const isWhitespace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\f" || char === "\r";
const isDigit = (char: string | undefined) => char !== undefined && char >= "0" && char <= "9";

/**
 * Where the URL sits in a refresh value, as [start, end), following WHATWG HTML's "shared
 * declarative refresh steps" (used by both `<meta http-equiv="refresh" content>` and the
 * `Refresh` header): a time made of digits and dots, then `;` or `,`, then optionally `url=`,
 * then the URL, optionally in quotes. Undefined when there is no URL (`5`) or the time is
 * malformed (`soon; url=/x`), since then a browser only reloads or does nothing.
 *
 * `5; url='/next'x` → the span of `/next`; `0;/next` → the span of `/next`.
 */
export function refreshUrlSpan(value: string): [number, number] | undefined {
  let at = 0;
  const skipWhitespace = () => {
    while (isWhitespace(value[at])) at++;
  };
  skipWhitespace();
  if (!isDigit(value[at]) && value[at] !== ".") return undefined;
  while (isDigit(value[at]) || value[at] === ".") at++;
  if (at >= value.length) return undefined;
  if (!isWhitespace(value[at]) && value[at] !== ";" && value[at] !== ",") return undefined;
  skipWhitespace();
  if (value[at] === ";" || value[at] === ",") at++;
  skipWhitespace();
  if (at >= value.length) return undefined;
  const whole: [number, number] = [at, value.length];
  if (value[at]?.toLowerCase() === "u") {
    // "url" must come whole and be followed by "="; otherwise the rest is the URL as it stands.
    if (value.slice(at, at + 3).toLowerCase() !== "url") return whole;
    at += 3;
    skipWhitespace();
    if (value[at] !== "=") return whole;
    at++;
    skipWhitespace();
  }
  const quote = value[at] === "'" || value[at] === '"' ? value[at] : undefined;
  if (quote === undefined) return [at, value.length];
  const close = value.indexOf(quote, at + 1);
  return [at + 1, close < 0 ? value.length : close];
}

/** `Refresh: 5; url=http://h:1/next` → `Refresh: 5; url=/api/v1/proxy/next`; the rest keeps its bytes. */
export function mapRefresh(value: string, ctx: RewriteContext, options?: MapUrlOptions): string {
  const span = refreshUrlSpan(value);
  if (!span) return value;
  const [start, end] = span;
  return `${value.slice(0, start)}${mapUrl(value.slice(start, end), ctx, options)}${value.slice(end)}`;
}
