import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Grant } from "../domain/grant";

/** Headers a client may not choose: identity is set by us, credentials for Tollgate stay here. */
const IDENTITY = new Set(["x-access-token", "authorization", "x-user-id", "x-token-id", "proxy-authorization"]);
/**
 * Headers that belong to one connection (RFC 9110 §7.6.1), plus Expect (the upstream asks for the
 * body itself if it wants it). A WebSocket upgrade keeps Connection and Upgrade: they are the point.
 */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect"]);
const TOLLGATE_COOKIE = /^tollgate[_-]/i;

export interface UpstreamRequestOptions {
  prefix: string;
  basicAuth?: string;
  requestId: string;
  remoteAddress: string;
  proto: string;
  /** A WebSocket upgrade: keep the connection headers the handshake needs. */
  upgrade: boolean;
}

export const upstreamPath = (url: string, prefix: string): string => {
  const rest = url.slice(prefix.length);
  return rest === "" || rest.startsWith("?") ? `/${rest}` : rest;
};

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
 * Turns the incoming request into what the upstream should see, in one pass over its headers:
 * no Tollgate credentials, no spoofed identity, no hop-by-hop headers, no Host (the upstream's own
 * is used), the path without the prefix, and who is calling in X-User-Id / X-Token-Id.
 */
export function prepareUpstreamRequest(req: IncomingMessage, grant: Grant, options: UpstreamRequestOptions): void {
  const incoming = req.headers;
  const named = options.upgrade ? [] : connectionTokens(incoming.connection);
  const headers: IncomingHttpHeaders = {};
  for (const name in incoming) {
    if (IDENTITY.has(name) || name === "host" || name === "cookie") continue;
    if (!options.upgrade && (HOP_BY_HOP.has(name) || named.includes(name))) continue;
    headers[name] = incoming[name];
  }
  const cookie = incoming.cookie === undefined ? undefined : withoutTollgateCookies(incoming.cookie);
  if (cookie !== undefined) headers.cookie = cookie;
  const forwardedFor = incoming["x-forwarded-for"];
  headers["x-forwarded-for"] = forwardedFor ? `${forwardedFor}, ${options.remoteAddress}` : options.remoteAddress;
  headers["x-forwarded-proto"] = options.proto;
  headers["x-forwarded-host"] = incoming.host ?? "";
  headers["x-user-id"] = grant.userId;
  headers["x-token-id"] = grant.tokenId;
  headers["x-request-id"] = options.requestId;
  if (options.basicAuth) headers.authorization = `Basic ${Buffer.from(options.basicAuth).toString("base64")}`;
  req.headers = headers;
  req.url = upstreamPath(req.url ?? "/", options.prefix);
}
