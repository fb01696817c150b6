import type { IncomingMessage } from "node:http";

/**
 * The connector's local origin a request was addressed to (`http://127.0.0.1:<port>` or
 * `http://localhost:<port>`, RFC 6454 §6.2 serialisation), or undefined when its `Host` names
 * anything else.
 *
 * Why: the connector adds the user's access token to whatever it forwards, so it answers only
 * requests meant for it. A page on another site that gets its own name to resolve to 127.0.0.1
 * (DNS rebinding) sends its own name in `Host` (RFC 9110 §7.2), and is refused here.
 */
export function localOriginOf(req: IncomingMessage, listen: { host: string; port: number }): string | undefined {
  const host = req.headers.host?.toLowerCase();
  const loopback = listen.host === "::1" ? "[::1]" : listen.host;
  const allowed = [`${loopback}:${listen.port}`, `localhost:${listen.port}`];
  return host !== undefined && allowed.includes(host) ? `http://${host}` : undefined;
}

/**
 * Whether the browser says this request comes from another site and is not a top-level
 * navigation (W3C Fetch Metadata: `Sec-Fetch-Site: cross-site`, and `Sec-Fetch-Mode` other than
 * `navigate` with a safe method). Those are refused, as a `SameSite=Lax` cookie would not be sent
 * with them (RFC 6265bis §8.8.2): the app-session cookie the proxy sets for browsers is Lax, and
 * the connector, which holds the token for the browser, keeps to the same rule. A link from
 * elsewhere still opens the application; requests without these headers (non-browser clients,
 * older browsers) are not affected.
 */
export function isCrossSiteSubrequest(req: IncomingMessage, upgrade: boolean): boolean {
  if (upgrade && isForeignOrigin(req)) return true;
  if (req.headers["sec-fetch-site"] !== "cross-site") return false;
  if (upgrade) return true;
  const safe = req.method === "GET" || req.method === "HEAD";
  return !(safe && req.headers["sec-fetch-mode"] === "navigate");
}

/**
 * A WebSocket handshake from a page of another origin. Browsers send `Origin` on every handshake
 * (RFC 6455 §4.1) but no Fetch Metadata, and a WebSocket is not bound by the same-origin policy:
 * without this check any site the user visits could open a socket through the connector with the
 * user's token. Only the connector's own origins (`127.0.0.1:<port>`/`[::1]:<port>` and
 * `localhost:<port>`, the port the request came to) pass; a handshake without `Origin` is not a
 * browser's and passes.
 */
function isForeignOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const port = /:(\d+)$/.exec(req.headers.host ?? "")?.[1];
  const own = ["127.0.0.1", "[::1]", "localhost"].map((host) => `http://${host}:${port}`);
  return port === undefined || !own.includes(origin.toLowerCase());
}
