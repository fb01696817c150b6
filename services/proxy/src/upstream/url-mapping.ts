/**
 * Where the upstream's URLs point once its responses reach a client through the proxy. Used for
 * response headers everywhere, and for HTML and CSS bodies in prefix mode.
 */
export interface RewriteContext {
  /** e.g. http://127.0.0.1:3999 (no trailing slash, no path), as `URL.origin` gives it */
  upstreamOrigin: string;
  /** the upstream URL's path without trailing slash, "" when none, e.g. "/sub" */
  basePath: string;
  /** the public path prefix: "/api/v1/proxy" in prefix mode, "" on the app origin */
  prefix: string;
  /** false on the app origin: headers are mapped, bodies stream untouched */
  rewriteBodies: boolean;
}

export interface MapUrlOptions {
  /**
   * false when root-relative URLs do not resolve against the proxy's origin: a document whose
   * `<base href>` names another origin sends `/x` there, not to us.
   */
  rootRelative: boolean;
}

/** RFC 3986 §3: scheme ":" "//" authority; WHATWG URL also takes "\" for "/" in http(s). */
const SCHEME_AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*):[/\\]{2}([^/\\?#]*)/;
/** WHATWG URL: leading and trailing C0 controls and spaces are stripped before parsing... */
const isEdgeSpace = (url: string, at: number) => url.charCodeAt(at) <= 0x20;
/** ...and tabs and newlines anywhere are removed. */
const TAB_OR_NEWLINE = /[\t\n\r]/g;

/**
 * The rest of `path` after `base` when `base` is a whole-segment prefix of it, e.g.
 * ("/sub/x?q", "/sub") → "/x?q", ("/sub", "/sub") → "", ("/subway", "/sub") → undefined.
 */
export function pathAfter(path: string, base: string): string | undefined {
  if (!path.startsWith(base)) return undefined;
  const rest = path.slice(base.length);
  return base === "" || rest === "" || /^[/\\?#]/.test(rest) ? rest : undefined;
}

/**
 * For an absolute URL on exactly the upstream's origin (RFC 6454: same scheme, host and port,
 * compared as the WHATWG URL parser normalises them, so `HTTP://Host:80` is `http://host`), the
 * path, query and fragment after it; undefined for anything else. The authority must end at
 * `/`, `?`, `#` or the end of the string: `http://127.0.0.1:39990/x` and
 * `http://127.0.0.1:3999.evil.test/x` are not on `http://127.0.0.1:3999`. A URL with userinfo is
 * never ours.
 */
function afterUpstreamOrigin(url: string, ctx: RewriteContext): string | undefined {
  const match = SCHEME_AUTHORITY.exec(url);
  if (!match || match[2]?.includes("@")) return undefined;
  let origin: string;
  try {
    origin = new URL(`${match[1]}://${match[2]}`).origin;
  } catch {
    return undefined;
  }
  if (origin !== ctx.upstreamOrigin) return undefined;
  const rest = url.slice(match[0].length);
  // RFC 3986 §6.2.3: an empty path is "/" for http(s).
  return /^[/\\]/.test(rest) ? rest : `/${rest}`;
}

const publicPath = (rest: string, ctx: RewriteContext): string => {
  const path = `${ctx.prefix}${rest}`;
  return path.startsWith("/") ? path : `/${path}`;
};

function mapCore(url: string, ctx: RewriteContext, options: MapUrlOptions): string | undefined {
  // Protocol-relative `//h:1/x` (RFC 3986 §4.2 "network-path reference") names the upstream too
  // when its authority is the upstream's: read it with the upstream's scheme.
  const networkPath = /^[/\\]{2}(?![/\\])/.test(url);
  const path = afterUpstreamOrigin(networkPath ? `${ctx.upstreamOrigin.slice(0, ctx.upstreamOrigin.indexOf(":"))}:${url}` : url, ctx);
  if (path !== undefined) {
    const rest = pathAfter(path, ctx.basePath);
    return rest === undefined ? undefined : publicPath(rest, ctx);
  }
  // Root-relative, RFC 3986 §4.2 "absolute-path reference": "/x" but not "//host/x".
  if (!options.rootRelative || !/^[/\\](?![/\\])/.test(url)) return undefined;
  if (ctx.basePath !== "") {
    const rest = pathAfter(url, ctx.basePath);
    return rest === undefined ? undefined : publicPath(rest, ctx);
  }
  if (ctx.prefix === "" || pathAfter(url, ctx.prefix) !== undefined) return undefined;
  return `${ctx.prefix}${url}`;
}

/**
 * Maps one URL (an attribute value, a `url()`, a `Location`) to where the client reaches it
 * through the proxy; anything that is not the upstream's is returned as is, the same string.
 *
 * - `http://h:1/x?q#f` on the upstream's origin → `<prefix>/x?q#f`; `http://h:1` → `<prefix>/`.
 * - root-relative `/x` → `<prefix>/x`, unless it is already `<prefix>` or under `<prefix>/`.
 * - protocol-relative `//h:1/x` naming the upstream's host and port: like `http://h:1/x`.
 * - other origins (`//other/x` too), relative `x/y`, `#f`, `data:`, `javascript:`: as is.
 * - With a base path (UPSTREAM_URL `http://h:1/sub`, basePath "/sub"), the proxy forwards
 *   `<prefix>/x` to `/sub/x`, so only URLs under the base path have a public address:
 *   `http://h:1/sub/x` and `/sub/x` → `<prefix>/x`, `/sub` → `<prefix>`; `http://h:1/other` and
 *   `/other` stay as they are. Rewriting them to `<prefix>/other` would quietly fetch
 *   `/sub/other`, a different resource; left alone they fail visibly instead.
 * - On the app origin (prefix ""), `http://h:1/sub/x` → `/x`, `/sub/x` → `/x`, `/x` stays.
 *
 * Leading and trailing spaces are kept; tabs and newlines inside a mapped URL are dropped, as the
 * WHATWG URL parser drops them.
 */
export function mapUrl(url: string, ctx: RewriteContext, options: MapUrlOptions = { rootRelative: true }): string {
  let start = 0;
  let end = url.length;
  while (start < end && isEdgeSpace(url, start)) start++;
  while (end > start && isEdgeSpace(url, end - 1)) end--;
  const mapped = mapCore(url.slice(start, end).replace(TAB_OR_NEWLINE, ""), ctx, options);
  return mapped === undefined ? url : `${url.slice(0, start)}${mapped}${url.slice(end)}`;
}
