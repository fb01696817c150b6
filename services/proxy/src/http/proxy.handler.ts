import { BadRequestError, currentRequestId } from "@tollgate/service-kit";
import type { Request, RequestHandler } from "express";
import { TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import { prepareUpstreamRequest, type Forwarder } from "../upstream/forwarder";

export const PROXY_PREFIX = "/api/v1/proxy";

/** Both headers make the body's length ambiguous (request smuggling): refuse. */
export function assertUnambiguousLength(headers: Request["headers"]): void {
  if (headers["content-length"] !== undefined && headers["transfer-encoding"] !== undefined) {
    throw new BadRequestError("a request may not carry both Content-Length and Transfer-Encoding", "AMBIGUOUS_LENGTH");
  }
}

export function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
export function proxyHandler(deps: { validator: TokenValidator; forwarder: Forwarder; basicAuth?: string }): RequestHandler {
  return async (req, res) => {
    assertUnambiguousLength(req.headers);
    const token = singleHeader(req.headers["x-access-token"]);
    if (!token) throw new TokenMissingError();
    const grant = await deps.validator.validate(token);
    prepareUpstreamRequest(req, grant, {
      prefix: PROXY_PREFIX,
      basicAuth: deps.basicAuth,
      requestId: currentRequestId() ?? String(req.headers["x-request-id"]),
      remoteAddress: req.socket.remoteAddress ?? "unknown",
      proto: req.protocol,
    });
    await deps.forwarder.web(req, res);
  };
}

