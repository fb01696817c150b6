import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { BadRequestError } from "@tollgate/service-kit";
import { TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest, requestHasBody } from "../upstream/upstream-request";

export const PROXY_PREFIX = "/api/v1/proxy";

/** Both headers make the body's length ambiguous (request smuggling): refuse. */
export function assertUnambiguousLength(headers: IncomingHttpHeaders): void {
  if (headers["content-length"] !== undefined && headers["transfer-encoding"] !== undefined) {
    throw new BadRequestError("a request may not carry both Content-Length and Transfer-Encoding", "AMBIGUOUS_LENGTH");
  }
}

export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Whether `path` (with its query) is served by the proxy: the prefix itself or anything under it. */
export function isProxyPath(url: string): boolean {
  if (!url.startsWith(PROXY_PREFIX)) return false;
  const next = url.charCodeAt(PROXY_PREFIX.length);
  return Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** The scheme the client used: a gateway on loopback may say so in X-Forwarded-Proto. */
function requestProto(req: IncomingMessage, trustForwardedProto: boolean): string {
  const forwarded = singleHeader(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  if (trustForwardedProto && forwarded && (forwarded === "http" || forwarded === "https") && LOOPBACK.has(req.socket.remoteAddress ?? "")) return forwarded;
  return "encrypted" in req.socket && req.socket.encrypted ? "https" : "http";
}

/**
 * @openapi
 * /api/v1/proxy/{path}:
 *   get:
 *     summary: Forward any method to the upstream at {path}, with the access token in X-Access-Token
 *     description: All methods are forwarded. WebSocket upgrades on the same prefix are tunnelled (token also accepted as ?access_token=).
 *     parameters:
 *       - { in: path, name: path, required: true, schema: { type: string } }
 *       - { in: header, name: X-Access-Token, required: true, schema: { type: string } }
 *     responses:
 *       default: { description: the upstream's response }
 *       401: { description: "TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED or TOKEN_REVOKED", content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
 *       503: { description: "SERVICE_UNAVAILABLE (token service down, token not cached) or UPSTREAM_UNAVAILABLE", content: { application/json: { schema: { $ref: "#/components/schemas/ErrorBody" } } } }
 */
export function proxyHandler(deps: { validator: TokenValidator; forwarder: Forwarder; basicAuth?: string; trustForwardedProto: boolean }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    assertUnambiguousLength(req.headers);
    const token = singleHeader(req.headers["x-access-token"]);
    if (!token) throw new TokenMissingError();
    const grant = await deps.validator.validate(token);
    const hasBody = requestHasBody(req.headers);
    prepareUpstreamRequest(req, grant, {
      prefix: PROXY_PREFIX,
      basicAuth: deps.basicAuth,
      requestId: String(req.headers["x-request-id"]),
      remoteAddress: req.socket.remoteAddress ?? "unknown",
      proto: requestProto(req, deps.trustForwardedProto),
      upgrade: false,
    });
    await deps.forwarder.web(req, res, hasBody);
  };
}

