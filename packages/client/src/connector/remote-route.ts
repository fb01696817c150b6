/** The gateway's path prefix for the upstream (the proxy's own routes live under it too). */
export const PROXY_PREFIX = "/api/v1/proxy";

/**
 * Where the connector sends what the browser asks it for, and how URLs map between the two sides.
 * Origins are RFC 6454 serialisations (`scheme://host[:port]`, lower case, default port omitted).
 */
export interface RemoteRoute {
  /** "app": the upstream at the root of the app origin; "prefix": under the gateway's path prefix. */
  mode: "app" | "prefix";
  /** The origin the connector connects to: the app origin, or the gateway's. */
  origin: string;
  /** "" on the app origin; `<gateway base path>/api/v1/proxy` in prefix mode. */
  prefix: string;
}

export const appRoute = (appOrigin: string): RemoteRoute => ({ mode: "app", origin: new URL(appOrigin).origin, prefix: "" });

export function prefixRoute(gatewayUrl: string): RemoteRoute {
  const url = new URL(gatewayUrl);
  return { mode: "prefix", origin: url.origin, prefix: `${url.pathname.replace(/\/+$/, "")}${PROXY_PREFIX}` };
}

/** RFC 3986 §3: scheme ":" "//" authority. */
const SCHEME_AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;

/**
 * The rest of `path` after `base` when `base` is a whole-segment prefix of it:
 * ("/p/x?q", "/p") → "/x?q", ("/p", "/p") → "", ("/px", "/p") → undefined; base "" → path.
 */
function pathAfter(path: string, base: string): string | undefined {
  if (!path.startsWith(base)) return undefined;
  const rest = path.slice(base.length);
  return base === "" || rest === "" || /^[/?#]/.test(rest) ? rest : undefined;
}

const rooted = (rest: string): string => (rest.startsWith("/") ? rest : `/${rest}`);

/**
 * The remote path (and query) for a local one: the same on the app origin; under the prefix in
 * prefix mode, where a path already under the prefix (a URL the proxy rewrote into a page) goes
 * as it is.
 */
export function remotePath(route: RemoteRoute, localPath: string): string {
  if (route.prefix === "" || pathAfter(localPath, route.prefix) !== undefined) return localPath;
  return `${route.prefix}${rooted(localPath)}`;
}

/**
 * An `Origin` or `Referer` value naming the connector's local origin, mapped to the remote side
 * (RFC 6454 §7: an origin compares whole, so `http://127.0.0.1:80801` is not `…:8080`); anything
 * else is returned unchanged, so the upstream can still refuse a cross-origin request.
 */
export function toRemote(value: string, localOrigin: string, route: RemoteRoute): string {
  if (value === localOrigin) return route.origin;
  if (!value.startsWith(`${localOrigin}/`)) return value;
  return `${route.origin}${remotePath(route, value.slice(localOrigin.length))}`;
}

/**
 * A URL in a response header (`Location`, `Content-Location`) mapped back to the local origin when
 * it names the remote side: an absolute URL on the remote origin (under the prefix, in prefix mode),
 * or in prefix mode a root-relative path under the prefix. Anything else is returned unchanged.
 */
export function toLocal(value: string, localOrigin: string, route: RemoteRoute): string {
  const match = SCHEME_AUTHORITY.exec(value);
  if (match) {
    if (match[2]?.includes("@")) return value;
    let origin: string;
    try {
      origin = new URL(`${match[1]}://${match[2]}`).origin;
    } catch {
      return value;
    }
    if (origin !== route.origin) return value;
    const rest = pathAfter(rooted(value.slice(match[0].length)), route.prefix);
    return rest === undefined ? value : `${localOrigin}${rooted(rest)}`;
  }
  // RFC 3986 §4.2 absolute-path reference: "/x", not the network-path reference "//host/x".
  if (route.prefix === "" || !/^\/(?!\/)/.test(value)) return value;
  const rest = pathAfter(value, route.prefix);
  return rest === undefined ? value : rooted(rest);
}

/** A `Set-Cookie` `Path` under the prefix, mapped to the local path it now stands for. */
export function localCookiePath(path: string, route: RemoteRoute): string {
  const rest = pathAfter(path, route.prefix);
  return rest === undefined ? path : rooted(rest);
}
