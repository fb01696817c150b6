import { mapUrl, type MapUrlOptions, type RewriteContext } from "./url-mapping";

const isWhitespace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\f";
const isNameChar = (char: string | undefined) => char !== undefined && (/[A-Za-z0-9_-]/.test(char) || char >= "\u0080");

/** CSS Syntax §4.3.11: the end of a run of name characters (and `\x` escapes) starting at `at`. */
function nameEnd(css: string, at: number): number {
  let end = at;
  for (;;) {
    if (isNameChar(css[end])) end++;
    else if (css[end] === "\\" && end + 1 < css.length && css[end + 1] !== "\n") end += 2;
    else return end;
  }
}

/**
 * CSS Syntax §4.3.5: a string token opened by the quote at `at`. `close` is the closing quote's
 * index, or -1 when the string ends at a newline (a bad string) or at the end of the text.
 */
function stringToken(css: string, at: number): { close: number; next: number } {
  const quote = css[at];
  for (let i = at + 1; i < css.length; i++) {
    if (css[i] === "\\") i++;
    else if (css[i] === quote) return { close: i, next: i + 1 };
    else if (css[i] === "\n") return { close: -1, next: i };
  }
  return { close: -1, next: css.length };
}

/**
 * Rewrites the URLs of a stylesheet, a `<style>` element's text or a `style` attribute: only
 * `url(...)` tokens (quoted or not, any case) and the string of `@import "..."`, through
 * `mapUrl`. Everything else keeps its bytes: comments, other strings (`content: "/x"`),
 * functions that merely end in "url" (`my-url(/x)`), and URLs written with escapes, which are
 * left alone rather than decoded.
 *
 * `a { background: url("/bg.png") }` → `a { background: url("/api/v1/proxy/bg.png") }`.
 */
export function rewriteCss(css: string, ctx: RewriteContext, options?: MapUrlOptions): string {
  const out: string[] = [];
  let copied = 0;
  const replace = (start: number, end: number) => {
    const url = css.slice(start, end);
    const mapped = mapUrl(url, ctx, options);
    if (mapped === url) return;
    out.push(css.slice(copied, start), mapped);
    copied = end;
  };
  // The next string is a URL: right after `@import`, or as the argument of `url(`.
  let urlString = false;
  let at = 0;
  while (at < css.length) {
    const char = css[at];
    if (char === "/" && css[at + 1] === "*") {
      const close = css.indexOf("*/", at + 2);
      at = close < 0 ? css.length : close + 2;
    } else if (char === '"' || char === "'") {
      const { close, next } = stringToken(css, at);
      if (urlString && close !== -1 && !css.slice(at + 1, close).includes("\\")) replace(at + 1, close);
      urlString = false;
      at = next;
    } else if (isWhitespace(char)) {
      at++;
    } else if (char === "@") {
      const end = nameEnd(css, at + 1);
      urlString = css.slice(at + 1, end).toLowerCase() === "import";
      at = Math.max(end, at + 1);
    } else if (isNameChar(char) || char === "\\") {
      // A whole name at once, so `my-url(` is never taken for `url(`.
      const end = Math.max(nameEnd(css, at), at + 1);
      const isUrl = css.slice(at, end).toLowerCase() === "url" && css[end] === "(";
      urlString = false;
      at = end;
      if (!isUrl) continue;
      let inner = end + 1;
      while (isWhitespace(css[inner])) inner++;
      if (css[inner] === '"' || css[inner] === "'") {
        urlString = true;
        at = inner;
        continue;
      }
      // §4.3.6 url token: unquoted up to ")"; quotes, "(", spaces inside or escapes make it bad
      // or encoded, and it is left alone.
      const close = css.indexOf(")", inner);
      let urlEnd = close < 0 ? css.length : close;
      while (urlEnd > inner && isWhitespace(css[urlEnd - 1])) urlEnd--;
      if (!/["'(\\\s]/.test(css.slice(inner, urlEnd))) replace(inner, urlEnd);
      at = close < 0 ? css.length : close + 1;
    } else {
      urlString = false;
      at++;
    }
  }
  out.push(css.slice(copied));
  return out.join("");
}
