import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { BadRequestError } from "@tollgate/service-kit";
import { TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest, requestHasBody } from "../upstream/upstream-request";
import type { UpstreamTarget } from "../upstream/upstream-target";
import type { IdentityAsserter } from "../identity/identity-assertion";
import { PROXY_PREFIX, prefixSide, singleHeader } from "./public-side";

const LAUNCH_PATH = `${PROXY_PREFIX}/launch`;
const LAUNCH_QUERY = `${LAUNCH_PATH}?`;

/** Both headers make the body's length ambiguous (request smuggling, RFC 9112 §6.3): refuse. */
export function assertUnambiguousLength(headers: IncomingHttpHeaders): void {
  if (headers["content-length"] !== undefined && headers["transfer-encoding"] !== undefined) {
    throw new BadRequestError("a request may not carry both Content-Length and Transfer-Encoding", "AMBIGUOUS_LENGTH");
  }
}

/** Whether `path` (with its query) is served by the proxy: the prefix itself or anything under it. */
export function isProxyPath(url: string): boolean {
  if (!url.startsWith(PROXY_PREFIX)) return false;
  const next = url.charCodeAt(PROXY_PREFIX.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}

/**
 * `/api/v1/proxy` without its slash would serve the upstream's root page with every relative URL
 * resolving one level up (`/api/v1/<asset>`): send the client to the slash, keeping method and
 * body (308, RFC 9110 §15.4.9).
 */
function redirectToSlash(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? "/";
  if (url !== PROXY_PREFIX && !url.startsWith(`${PROXY_PREFIX}?`)) return false;
  const location = `${PROXY_PREFIX}/${url.slice(PROXY_PREFIX.length)}`;
  res.writeHead(308, { Location: location, "Content-Length": 0 });
  res.end();
  return true;
}

/**
   * @openapi
   * /api/v1/proxy/{path}:
   *   description: >
   *     For API clients: every method is forwarded to the upstream at `/{path}` (with its query) once
   *     the access token is valid, with `X-User-Id`, `X-Token-Id`, `X-Request-Id` and a signed
   *     `X-Tollgate-Jwt-Assertion` added and the client's credentials stripped. A WebSocket upgrade
   *     on the same path is tunnelled (the token may then also come as `?access_token=`) and closed
   *     with 4401 when the token is revoked or expires. Only headers and HTML attributes are mapped
   *     into the prefix; JSON and scripts pass unchanged. `/api/v1/proxy` without the slash answers
   *     308 to `/api/v1/proxy/`. Browsers should use the app origin instead (`POST /api/v1/proxy/launch`)
   *     or the desktop connector.
   *   parameters:
   *     - { in: path, name: path, required: true, description: "The upstream path (may contain slashes)", schema: { type: string }, example: api/status }
   *   get:
   *     operationId: proxyGet
   *     summary: Forward a GET (or a WebSocket upgrade) to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   post:
   *     operationId: proxyPost
   *     summary: Forward a POST to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     requestBody: { required: false, description: Passed to the upstream as sent (streamed), content: { "*\/*": { schema: {} } } }
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   put:
   *     operationId: proxyPut
   *     summary: Forward a PUT to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     requestBody: { required: false, description: Passed to the upstream as sent (streamed), content: { "*\/*": { schema: {} } } }
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   patch:
   *     operationId: proxyPatch
   *     summary: Forward a PATCH to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     requestBody: { required: false, description: Passed to the upstream as sent (streamed), content: { "*\/*": { schema: {} } } }
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   delete:
   *     operationId: proxyDelete
   *     summary: Forward a DELETE to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   head:
   *     operationId: proxyHead
   *     summary: Forward a HEAD to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   *   options:
   *     operationId: proxyOptions
   *     summary: Forward an OPTIONS request to the upstream
   *     tags: [proxy]
   *     security: [{ accessToken: [] }]
   *     responses:
   *       default: { description: "The upstream's answer: its status, headers (mapped into the prefix) and body" }
   *     x-errors:
   *       400: { AMBIGUOUS_LENGTH: a request may not carry both Content-Length and Transfer-Encoding }
   *       401: { TOKEN_MISSING: no X-Access-Token header, TOKEN_INVALID: no such token, TOKEN_EXPIRED: "the token's time is up", TOKEN_REVOKED: the token was revoked }
   *       503: { SERVICE_UNAVAILABLE: "the token service did not answer and the token is not cached", BREAKER_OPEN: the token service failed repeatedly and is not asked for a while, UPSTREAM_UNAVAILABLE: the upstream application does not answer }
   */
export function proxyHandler(deps: {
  validator: TokenValidator;
  forwarder: Forwarder;
  target: UpstreamTarget;
  asserter: IdentityAsserter;
  basicAuth?: string;
  trustForwarded: boolean;
  launch: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (redirectToSlash(req, res)) return;
    if (req.method === "POST" && (req.url === LAUNCH_PATH || req.url?.startsWith(LAUNCH_QUERY))) return deps.launch(req, res);
    assertUnambiguousLength(req.headers);
    const token = singleHeader(req.headers["x-access-token"]);
    if (!token) throw new TokenMissingError();
    const grant = await deps.validator.validate(token);
    const hasBody = requestHasBody(req.headers);
    const side = prefixSide(req, deps.trustForwarded);
    prepareUpstreamRequest(req, grant, {
      target: deps.target,
      side,
      basicAuth: deps.basicAuth,
      requestId: String(req.headers["x-request-id"]),
      assertion: deps.asserter.assertion(grant),
      remoteAddress: req.socket.remoteAddress ?? "unknown",
      upgrade: false,
    });
    await deps.forwarder.web(req, res, hasBody, side);
  };
}
