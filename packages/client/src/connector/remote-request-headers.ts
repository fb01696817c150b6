import type { IncomingHttpHeaders } from "node:http";
import { toRemote, type RemoteRoute } from "./remote-route";

/** Tollgate's own cookies (the app-session cookie and any later one) never travel through. */
const TOLLGATE_COOKIE = /^tollgate_/i;

function withoutTollgateCookies(cookie: string): string | undefined {
  const kept = cookie
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair !== "" && !TOLLGATE_COOKIE.test(pair));
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/**
 * The headers the remote side (app origin or gateway) receives for one browser request or
 * WebSocket upgrade to the connector:
 *
 * - `X-Access-Token`: the connector's token, whatever the page sent.
 * - `Host`: the remote origin's host and port (RFC 9110 §7.2), which is how the gateway and the
 *   proxy recognise the app origin.
 * - `Origin` / `Referer` naming the connector's local origin are mapped to the remote origin, which
 *   the proxy maps on to the upstream's own; other values pass unchanged (RFC 6454 §7.3: the
 *   upstream's cross-origin checks still see who really asked).
 * - `Cookie`: the page's cookies, less any `tollgate_*` one (RFC 6265 §5.4 pairs).
 *
 * Everything else, hop-by-hop headers included, is left for the forwarder to handle.
 */
export function remoteRequestHeaders(
  incoming: IncomingHttpHeaders,
  context: { token: string; localOrigin: string; route: RemoteRoute },
): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...incoming };
  headers.host = new URL(context.route.origin).host;
  headers["x-access-token"] = context.token;
  if (incoming.origin !== undefined) headers.origin = toRemote(incoming.origin, context.localOrigin, context.route);
  if (incoming.referer !== undefined) headers.referer = toRemote(incoming.referer, context.localOrigin, context.route);
  delete headers.cookie;
  const cookie = incoming.cookie === undefined ? undefined : withoutTollgateCookies(incoming.cookie);
  if (cookie !== undefined) headers.cookie = cookie;
  return headers;
}
