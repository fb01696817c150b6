import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { BadRequestError } from "@tollgate/service-kit";
import { TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest, requestHasBody } from "../upstream/upstream-request";
import type { UpstreamTarget } from "../upstream/upstream-target";
import type { IdentityAsserter } from "../identity/identity-assertion";
import { PROXY_PREFIX, prefixSide, singleHeader } from "./public-side";

export { PROXY_PREFIX, singleHeader } from "./public-side";

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
 *   get:
 *     summary: Forward any method to the upstream at {path}, with the access token in X-Access-Token
 *     description: >
 *       For API clients. All methods are forwarded; WebSocket upgrades on the same prefix are
 *       tunnelled (token also accepted as ?access_token=). Only headers and HTML attributes are
 *       mapped into the prefix; JSON and scripts pass unchanged. Browsers should use the app origin
 *       (POST /api/v1/proxy/launch) or the desktop connector instead.
 *     parameters:
 *       - { in: path, name: path, required: true, schema: { type: string } }
 *       - { in: header, name: X-Access-Token, required: true, schema: { type: string } }
 *     responses:
 *       default: { description: the upstream's response }
 *       401: { description: "TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED", content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
 *       503: { description: "SERVICE_UNAVAILABLE (token service down, token not cached) or UPSTREAM_UNAVAILABLE", content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
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
    if (req.method === "POST" && (req.url === `${PROXY_PREFIX}/launch` || req.url?.startsWith(`${PROXY_PREFIX}/launch?`))) return deps.launch(req, res);
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
