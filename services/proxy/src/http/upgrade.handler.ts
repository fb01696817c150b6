import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { commonErrorCodes } from "@tollgate/contracts";
import { acceptRequestId, accessTokenHash, AppError, BadRequestError, errorBody, type Logger, NotFoundError, requestContext, TokenRejectedError } from "@tollgate/service-kit";
import type { AppSessionUseCases } from "../domain/app-session.use-case";
import { TokenMissingError, type Grant } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest, type PublicSide } from "../upstream/upstream-request";
import type { UpstreamTarget } from "../upstream/upstream-target";
import type { IdentityAsserter } from "../identity/identity-assertion";
import type { TunnelRegistry } from "../tunnel/tunnel-registry";
import { appOriginCredentials } from "./app-origin.handler";
import { assertUnambiguousLength } from "./proxy.handler";
import { appSide, isAppOriginRequest, PROXY_PREFIX, prefixSide, singleHeader } from "./public-side";

const REASONS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Content Too Large", 503: "Service Unavailable" };

function refuse(socket: Duplex, error: AppError): void {
  const body = JSON.stringify(errorBody(error.statusCode, error.errorCode, error.detail));
  const extra = Object.entries(error.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${error.statusCode} ${REASONS[error.statusCode] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

/**
 * What the tunnel speaks: a GET asking for `Upgrade: websocket`. node raises an upgrade for any
 * method and protocol (a PATCH with `Upgrade: h2c`), and http-proxy drops those sockets without a
 * word or a callback: the gateway answered 503 for the client's own mistake.
 */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.method === "GET" && req.headers.upgrade?.toLowerCase() === "websocket";
}

/** Takes the token from X-Access-Token or `?access_token=`, which never reaches the upstream. */
function takePrefixToken(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? "/", "http://proxy.local");
  const fromQuery = url.searchParams.get("access_token") ?? undefined;
  if (fromQuery !== undefined) {
    url.searchParams.delete("access_token");
    req.url = `${url.pathname}${url.search}`;
  }
  return singleHeader(req.headers["x-access-token"]) ?? fromQuery;
}

export interface UpgradeDeps {
  validator: TokenValidator;
  forwarder: Forwarder;
  tunnels: TunnelRegistry;
  target: UpstreamTarget;
  asserter: IdentityAsserter;
  logger: Logger;
  basicAuth?: string;
  /** Present when the app origin is served. */
  app?: { hostName: string; origin: string; sessions: AppSessionUseCases };
  trustForwarded?: boolean;
}

/**
 * WebSocket upgrades, under the prefix (token in X-Access-Token or `?access_token=`) or anywhere on
 * the app origin (app-session cookie or X-Access-Token): validate, register the tunnel, then
 * tunnel. The tunnel is registered before the upstream handshake and checked against revocations
 * that arrived since validation began, so no revocation committed before or during the handshake
 * leaves a tunnel open.
 */
export function createUpgradeHandler(deps: UpgradeDeps) {
  const log = deps.logger.child({ component: "ws-tunnel" });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const onApp = deps.app !== undefined && isAppOriginRequest(req, deps.app.hostName);
    const requestId = acceptRequestId(req.headers["x-request-id"]);
    socket.on("error", (error) => log.debug("client socket error", { error: error.message }));
    requestContext.run({ requestId }, async () => {
      try {
        // The gateway's /api/v1/proxy location also passes /api/v1/proxy and /api/v1/proxyx: a socket
        // closed without an answer was its 503.
        if (!onApp && !(req.url ?? "").startsWith(`${PROXY_PREFIX}/`)) throw new NotFoundError(`no WebSocket route here: tunnels start with ${PROXY_PREFIX}/`);
        if (!isWebSocketUpgrade(req)) throw new BadRequestError("only a WebSocket upgrade (GET with Upgrade: websocket) is accepted here", commonErrorCodes.UPGRADE_NOT_SUPPORTED);
        assertUnambiguousLength(req.headers);
        const mark = deps.validator.revocations.mark();
        let side: PublicSide;
        let grant: Grant;
        let hash: string;
        if (onApp && deps.app) {
          side = appSide(deps.app.origin);
          ({ grant, tokenSha256: hash } = await appOriginCredentials(req, { validator: deps.validator, sessions: deps.app.sessions }));
        } else {
          side = prefixSide(req, deps.trustForwarded ?? true);
          const token = takePrefixToken(req);
          if (!token) throw new TokenMissingError();
          grant = await deps.validator.validate(token);
          hash = accessTokenHash(token);
        }
        const tunnel = deps.tunnels.add(socket, grant, hash);
        // A revocation that landed between the start of validation and the registration.
        if (deps.validator.revocations.revokedSince(mark, { token: hash, user: grant.userId })) {
          deps.tunnels.discard(tunnel);
          throw new TokenRejectedError("TOKEN_REVOKED");
        }
        prepareUpstreamRequest(req, grant, { target: deps.target, side, basicAuth: deps.basicAuth, requestId, assertion: deps.asserter.assertion(grant), remoteAddress: (socket as Socket).remoteAddress ?? "unknown", upgrade: true });
        try {
          await deps.forwarder.ws(req, socket, head);
        } catch (error) {
          deps.tunnels.discard(tunnel);
          throw error;
        }
        deps.tunnels.established(tunnel);
        log.info("tunnel open", { token_id: grant.tokenId, path: req.url?.split("?")[0], origin: side.prefix === "" ? "app" : "prefix" });
      } catch (error) {
        if (error instanceof AppError) refuse(socket, error);
        else {
          log.error("tunnel failed", { error });
          socket.destroy();
        }
      }
    });
  };
}
