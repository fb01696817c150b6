import { rewriteCss } from "./css-rewriter";
import { rewriteHtml } from "./html-rewriter";
import type { RewriteContext } from "./url-mapping";

export type { RewriteContext } from "./url-mapping";

/**
 * The bodies prefix mode rewrites. Only markup and stylesheets: their URLs sit in places a parser
 * can name (attributes, `url()`). JavaScript and JSON are never rewritten: a string that looks
 * like a path there may be a separator, a regular expression or a file name, and rewriting them
 * is how `"/".join` and `/"/g` were broken (issue 14).
 */
export type RewritableKind = "html" | "css";

const kinds = new Map<string, RewritableKind | undefined>();

/**
 * The kind of a response body from its Content-Type, or undefined when it streams untouched:
 * `text/html` and `text/css`, in UTF-8 or with no charset (the body is then checked to be valid
 * UTF-8 before rewriting). A declared other charset (`iso-8859-1`, `shift_jis`, `utf-16`) is never
 * decoded, so its bytes cannot be changed by a round trip through the wrong one.
 */
export function rewritableKind(contentType: string | undefined): RewritableKind | undefined {
  if (contentType === undefined) return undefined;
  // An upstream sends a handful of distinct values: each is read once, not split on every response.
  if (kinds.has(contentType)) return kinds.get(contentType);
  const kind = kindOf(contentType);
  if (kinds.size >= 256) kinds.clear();
  kinds.set(contentType, kind);
  return kind;
}

function kindOf(contentType: string): RewritableKind | undefined {
  const [type = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "");
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return undefined;
  if (type === "text/html") return "html";
  if (type === "text/css") return "css";
  return undefined;
}

export function rewriteBody(kind: RewritableKind, text: string, ctx: RewriteContext): string {
  return kind === "html" ? rewriteHtml(text, ctx) : rewriteCss(text, ctx);
}
