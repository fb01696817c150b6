import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { BadRequestError } from "@tollgate/service-kit";
import type { Grant } from "../domain/grant";
import type { UpstreamTarget } from "./upstream-target";
import { ASSERTION_HEADER } from "../identity/identity-assertion";

/** Headers a client may not choose: identity is set by us, credentials for Tollgate stay here. */
const IDENTITY = new Set(["x-access-token", "authorization", "x-user-id", "x-token-id", "proxy-authorization", ASSERTION_HEADER]);
/** Set here from what the client really used; a client's own values never pass. */
const FORWARDING = new Set(["host", "origin", "referer", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-for", "x-real-ip", "forwarded"]);
/** `X_User_Id` reaches servers that fold `_` into `-` (CGI-style) as `X-User-Id`: those names are ours too. */
const isOurs = (name: string) => IDENTITY.has(name) || FORWARDING.has(name) || (name.includes("_") && (IDENTITY.has(name.replaceAll("_", "-")) || FORWARDING.has(name.replaceAll("_", "-"))));
const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
/** Whether a peer is on this machine: the only hop (the gateway) whose forwarding headers are believed. */
export const isLoopback = (address: string | undefined): boolean => LOOPBACK.has(address ?? "");
/** A path segment that is `.` or `..` once percent-decoded (RFC 3986 §3.3), bare or encoded. */
const DOT_SEGMENT = /(?:^|\/|%2f|%5c|\\)(?:\.|%2e){1,2}(?:$|\/|\?|#|%2f|%5c|\\)/i;
/**
 * Headers that belong to one connection (RFC 9110 §7.6.1), plus Expect (the upstream asks for the
 * body itself if it wants it). A WebSocket upgrade keeps Connection and Upgrade: they are the point.
 */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"]);
const TOLLGATE_COOKIE = /^tollgate[_-]/i;

/** Where the client reached us: the gateway's origin (path prefix) or the app origin (root). */
export interface PublicSide {
  /** e.g. http://127.0.0.1:8080 or https://app.example.com (RFC 6454 serialisation, no path). */
  origin: string;
  /** The path prefix the upstream sits under on that origin: "/api/v1/proxy", or "" on the app origin. */
  prefix: string;
}

export interface UpstreamRequestOptions {
  target: UpstreamTarget;
  side: PublicSide;
  basicAuth?: string;
  requestId: string;
  /** The signed identity assertion for this grant (`X-Tollgate-Jwt-Assertion`). */
  assertion: string;
  remoteAddress: string;
  /** A WebSocket upgrade: keep the connection headers the handshake needs. */
  upgrade: boolean;
}

/**
 * The upstream path for a public request URL (path + query): prefix removed, base path added,
 * `access_token` removed from the query (a credential for the gate, never for the upstream's logs).
 * A path with dot segments, plain or percent-encoded (`/..`, `/%2e%2e/`, `..%2f`), is refused:
 * below a base path it would climb out of it on any upstream that decodes before it resolves.
 */
export function upstreamPath(url: string, side: PublicSide, target: UpstreamTarget): string {
  const rest = url.slice(side.prefix.length);
  let path = rest === "" || rest.startsWith("?") ? `/${rest}` : rest;
  const query = path.indexOf("?");
  if (DOT_SEGMENT.test(query < 0 ? path : path.slice(0, query))) throw new BadRequestError("a path may not contain . or .. segments", "BAD_PATH");
  if (query >= 0 && path.includes("access_token", query)) path = withoutAccessToken(path, query);
  return `${target.basePath}${path}`;
}

function withoutAccessToken(path: string, query: number): string {
  const params = new URLSearchParams(path.slice(query + 1));
  params.delete("access_token");
  const kept = params.toString();
  return `${path.slice(0, query)}${kept ? `?${kept}` : ""}`;
}

/** Two Host headers make the target ambiguous (RFC 9112 §3.2: a server must answer 400). */
function assertOneHost(rawHeaders: string[]): void {
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.length === 4 && rawHeaders[i]?.toLowerCase() === "host" && ++hosts > 1) throw new BadRequestError("a request may carry one Host header", "AMBIGUOUS_HOST");
}

/** A public origin's parts, parsed once: there are a handful (the app origin, the gateway's names). */
const originCache = new Map<string, { proto: string; host: string; port: string }>();
function originParts(origin: string): { proto: string; host: string; port: string } {
  let parts = originCache.get(origin);
  if (!parts) {
    const url = new URL(origin);
    parts = { proto: url.protocol.slice(0, -1), host: url.host, port: url.port || (url.protocol === "https:" ? "443" : "80") };
    // Bounded: a client that varies its Host must not grow this without end.
    if (originCache.size >= 256) originCache.clear();
    originCache.set(origin, parts);
  }
  return parts;
}

/** Read before `prepareUpstreamRequest` drops the framing headers. */
export function requestHasBody(headers: IncomingHttpHeaders): boolean {
  return headers["transfer-encoding"] !== undefined || (headers["content-length"] !== undefined && headers["content-length"] !== "0");
}

function connectionTokens(value: string | undefined): string[] {
  return value ? value.split(",").map((token) => token.trim().toLowerCase()) : [];
}

function withoutTollgateCookies(cookie: string): string | undefined {
  if (!/tollgate[_-]/i.test(cookie)) return cookie;
  const kept = cookie
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part && !TOLLGATE_COOKIE.test(part));
  return kept.length > 0 ? kept.join("; ") : undefined;
}

/**
 * `Origin` and `Referer` of a same-origin request from the app's own page name the public origin;
 * the upstream checks them against the Host it receives, so they are mapped to the origin it sees
 * (its own, or the public one when Host is preserved). Cross-origin values pass unchanged, so the
 * upstream can still refuse cross-site requests (CSRF defences keep working).
 */
function mapOrigin(value: string, side: PublicSide, seenOrigin: string): string {
  return value === side.origin ? seenOrigin : value;
}

function mapReferer(value: string, side: PublicSide, target: UpstreamTarget, seenOrigin: string): string {
  const base = `${side.origin}${side.prefix}`;
  if (value !== base && !value.startsWith(`${base}/`) && !value.startsWith(`${base}?`) && !value.startsWith(`${base}#`)) return value;
  const rest = value.slice(base.length);
  return `${seenOrigin}${target.basePath}${rest.startsWith("/") ? rest : `/${rest}`}`;
}

/**
 * Turns the incoming request into what the upstream should see, in one pass over its headers:
 * no Tollgate credentials or cookies, no spoofed identity or forwarding headers, no hop-by-hop
 * headers; `Host` the upstream's own (or the public one, `UPSTREAM_HOST_HEADER=preserve`),
 * `Origin`/`Referer` consistent with it, `X-Forwarded-Host/Proto/Port/For` from what the client
 * used, the path mapped, and who is calling in `X-User-Id` / `X-Token-Id`, signed in
 * `X-Tollgate-Jwt-Assertion`.
 */
export function prepareUpstreamRequest(req: IncomingMessage, grant: Grant, options: UpstreamRequestOptions): void {
  const { target, side } = options;
  assertOneHost(req.rawHeaders);
  const incoming = req.headers;
  const named = options.upgrade ? [] : connectionTokens(incoming.connection);
  const publicUrl = originParts(side.origin);
  const seenOrigin = target.preserveHost ? side.origin : target.origin;
  const headers: IncomingHttpHeaders = {};
  for (const name in incoming) {
    if (isOurs(name) || name === "cookie") continue;
    if (!options.upgrade && (HOP_BY_HOP.has(name) || named.includes(name))) continue;
    headers[name] = incoming[name];
  }
  headers.host = target.preserveHost ? publicUrl.host : target.host;
  if (incoming.origin !== undefined) headers.origin = mapOrigin(incoming.origin, side, seenOrigin);
  if (incoming.referer !== undefined) headers.referer = mapReferer(incoming.referer, side, target, seenOrigin);
  const cookie = incoming.cookie === undefined ? undefined : withoutTollgateCookies(incoming.cookie);
  if (cookie !== undefined) headers.cookie = cookie;
  // Only a hop we trust (the gateway, on loopback) may tell us who came before it.
  const forwardedFor = isLoopback(options.remoteAddress) ? incoming["x-forwarded-for"] : undefined;
  headers["x-forwarded-for"] = forwardedFor ? `${String(forwardedFor)}, ${options.remoteAddress}` : options.remoteAddress;
  headers["x-forwarded-proto"] = publicUrl.proto;
  headers["x-forwarded-host"] = publicUrl.host;
  headers["x-forwarded-port"] = publicUrl.port;
  headers["x-user-id"] = grant.userId;
  headers["x-token-id"] = grant.tokenId;
  headers["x-request-id"] = options.requestId;
  headers[ASSERTION_HEADER] = options.assertion;
  if (options.basicAuth) headers.authorization = `Basic ${Buffer.from(options.basicAuth).toString("base64")}`;
  req.url = upstreamPath(req.url ?? "/", side, target);
  req.headers = headers;
}
