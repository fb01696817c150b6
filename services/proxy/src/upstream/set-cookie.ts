import { pathAfter, type RewriteContext } from "./url-mapping";

/**
 * RFC 6265 §5.1.4 path-match: does a cookie with Path `cookiePath` go with a request for
 * `requestPath`? ("/sub/", "/") and ("/sub/", "/sub") yes; ("/sub/", "/subway") no.
 */
const pathMatches = (requestPath: string, cookiePath: string): boolean =>
  requestPath === cookiePath || (requestPath.startsWith(cookiePath) && (cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/"));

/**
 * Maps a cookie's Path attribute to the public path it covers. A cookie path is a path-match
 * prefix, not a URL, so it gets its own rule:
 *
 * - a path covering the upstream's whole base path (`/` always; `/sub` for basePath "/sub") →
 *   `<prefix>/`: `/` → `/api/v1/proxy/` in prefix mode, `/` on the app origin;
 * - a path under the base path → `<prefix><rest>`: `/sub/a` → `/api/v1/proxy/a`, or `/a` on the
 *   app origin;
 * - anything else (no leading "/", which RFC 6265 §5.2.4 ignores; a path outside the base path)
 *   stays as it is.
 */
export function mapCookiePath(path: string, ctx: RewriteContext): string {
  if (!path.startsWith("/")) return path;
  if (pathMatches(`${ctx.basePath}/`, path)) return `${ctx.prefix}/`;
  const rest = pathAfter(path, ctx.basePath);
  return rest === undefined ? path : `${ctx.prefix}${rest}`;
}

/**
 * `Set-Cookie` (RFC 6265 §4.1): `Domain` is dropped, since the cookie now belongs to the proxy's
 * host; `Path` goes through `mapCookiePath`. The `name=value` pair and every other attribute keep
 * their bytes, even a cookie named `path` or `domain`.
 *
 * `sid=1; Domain=h; Path=/; HttpOnly` → `sid=1; Path=/api/v1/proxy/; HttpOnly`.
 */
export function mapSetCookie(cookie: string, ctx: RewriteContext): string {
  const [pair = "", ...attributes] = cookie.split(";");
  const kept = attributes.flatMap((attribute) => {
    const equals = attribute.indexOf("=");
    const name = (equals < 0 ? attribute : attribute.slice(0, equals)).trim().toLowerCase();
    if (name === "domain") return [];
    if (name !== "path" || equals < 0) return [attribute];
    const raw = attribute.slice(equals + 1);
    const value = raw.trim();
    const lead = raw.length - raw.trimStart().length;
    return [`${attribute.slice(0, equals + 1 + lead)}${mapCookiePath(value, ctx)}${raw.slice(lead + value.length)}`];
  });
  return [pair, ...kept].join(";");
}
