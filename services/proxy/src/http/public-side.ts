import type { IncomingMessage } from "node:http";
import { isLoopback, type PublicSide } from "../upstream/upstream-request";

export const PROXY_PREFIX = "/api/v1/proxy";

/** RFC 9110 §7.2 Host: a host name or address, and a port. Anything else is not used. */
const HOST_SHAPE = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function firstListValue(value: string | string[] | undefined): string | undefined {
  return singleHeader(value)?.split(",")[0]?.trim();
}

/**
 * The origin the client used to reach the path prefix. A gateway on loopback says it in
 * `X-Forwarded-Proto` / `X-Forwarded-Host` (with the port); anyone else is described by the
 * connection and its `Host`.
 */
export function prefixSide(req: IncomingMessage, trustForwarded: boolean): PublicSide {
  const trusted = trustForwarded && isLoopback(req.socket.remoteAddress);
  const forwardedProto = trusted ? firstListValue(req.headers["x-forwarded-proto"]) : undefined;
  const forwardedHost = trusted ? firstListValue(req.headers["x-forwarded-host"]) : undefined;
  const proto = forwardedProto === "http" || forwardedProto === "https" ? forwardedProto : "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
  const host = wellFormedHost(forwardedHost) ?? wellFormedHost(req.headers.host) ?? `${req.socket.localAddress ?? "127.0.0.1"}:${req.socket.localPort ?? 80}`;
  return prefixSideOf(`${proto}://${host}`);
}

const wellFormedHost = (value: string | undefined): string | undefined => (value !== undefined && HOST_SHAPE.test(value) ? value : undefined);

/**
 * The side for `proto://host`, built once per such string: every request of a client names the
 * same one, and parsing it (`new URL`) was a tenth of the gate's own time per request.
 */
const sides = new Map<string, PublicSide>();
function prefixSideOf(base: string): PublicSide {
  let side = sides.get(base);
  if (!side) {
    let origin: string;
    try {
      origin = new URL(base).origin;
    } catch {
      origin = `${base.slice(0, base.indexOf(":"))}://127.0.0.1`;
    }
    side = Object.freeze({ origin, prefix: PROXY_PREFIX });
    // Bounded: a client that varies its Host must not grow this without end.
    if (sides.size >= 256) sides.clear();
    sides.set(base, side);
  }
  return side;
}

/** The app origin serves the upstream at its root. */
export const appSide = (appOrigin: string): PublicSide => ({ origin: appOrigin, prefix: "" });

/** A Host's name without its port and a trailing dot, lowercased: `App.Localhost.:8080` → `app.localhost`. */
export function hostName(host: string): string {
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d*$/, "");
  return name.replace(/\.$/, "").toLowerCase();
}

/**
 * Whether a request is for the app origin: its Host names the app origin's host, whatever port or
 * trailing dot it carries (the gateway's app site accepts those too, and the proxy's own routes —
 * metrics, docs, health — must never be served on the app's host name). `appHostName` comes from
 * `hostName(new URL(APP_PUBLIC_ORIGIN).host)`.
 */
export function isAppOriginRequest(req: IncomingMessage, appHostName: string | undefined): boolean {
  const host = req.headers.host;
  return appHostName !== undefined && host !== undefined && hostName(host) === appHostName;
}
