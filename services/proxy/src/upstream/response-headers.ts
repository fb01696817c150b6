import type { IncomingHttpHeaders } from "node:http";
import { mapRefresh } from "./refresh-value";
import { mapSetCookie } from "./set-cookie";
import { mapUrl, type RewriteContext } from "./url-mapping";

/**
 * Cookies the gate keeps for itself (the app session). An upstream — or anything it echoes — that
 * sets one could plant a session of its choosing in the user's browser, so none passes.
 */
const GATE_COOKIE = /^\s*(?:__host-|__secure-)?tollgate[_-]/i;

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

/**
 * The upstream's response headers as the client gets them: hop-by-hop headers dropped;
 * `Location`, `Content-Location` and the URL in `Refresh` mapped with `mapUrl`; `Set-Cookie`
 * without Domain and with its Path mapped (`mapSetCookie`), and never one named like the gate's own
 * (`tollgate_*`). The same in prefix mode and on the
 * app origin (prefix ""), where `Location: http://h:1/x` becomes `/x`.
 */
export function responseHeaders(upstream: IncomingHttpHeaders, ctx: RewriteContext): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name === "location" || name === "content-location") headers[name] = mapUrl(String(value), ctx);
    else if (name === "refresh") headers[name] = mapRefresh(String(value), ctx);
    else if (name === "set-cookie") {
      const cookies = (Array.isArray(value) ? value : [value]).filter((cookie) => !GATE_COOKIE.test(cookie)).map((cookie) => mapSetCookie(cookie, ctx));
      if (cookies.length > 0) headers[name] = cookies;
    }
    else headers[name] = value;
  }
  return headers;
}
