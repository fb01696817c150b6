import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { AppError, acceptRequestId, errorBody, requestContext, type Logger } from "@tollgate/service-kit";
import { tokenHash, TokenMissingError } from "../domain/grant";
import type { TokenValidator } from "../domain/token-validator";
import type { Forwarder } from "../upstream/forwarder";
import { prepareUpstreamRequest } from "../upstream/upstream-request";
import type { TunnelRegistry } from "../tunnel/tunnel-registry";
import { assertUnambiguousLength, PROXY_PREFIX, singleHeader } from "./proxy.handler";

function refuse(socket: Duplex, error: AppError): void {
  const body = JSON.stringify(errorBody(error.statusCode, error.errorCode, error.detail));
  const extra = Object.entries(error.headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${error.statusCode} ${error.statusCode === 401 ? "Unauthorized" : "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}

/** Takes the token from X-Access-Token or `?access_token=`, which never reaches the upstream. */
function takeToken(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? "/", "http://proxy.local");
  const fromQuery = url.searchParams.get("access_token") ?? undefined;
  if (fromQuery !== undefined) {
    url.searchParams.delete("access_token");
    req.url = `${url.pathname}${url.search}`;
  }
  return singleHeader(req.headers["x-access-token"]) ?? fromQuery;
}

/** WebSocket upgrades under the proxy prefix: validate, then tunnel and register for revocation. */
export function createUpgradeHandler(deps: { validator: TokenValidator; forwarder: Forwarder; tunnels: TunnelRegistry; logger: Logger; basicAuth?: string }) {
  const log = deps.logger.child({ component: "ws-tunnel" });
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!(req.url ?? "").startsWith(`${PROXY_PREFIX}/`)) {
      socket.destroy();
      return;
    }
    const requestId = acceptRequestId(req.headers["x-request-id"]);
    socket.on("error", (error) => log.debug("client socket error", { error: error.message }));
    requestContext.run({ requestId }, async () => {
      try {
        assertUnambiguousLength(req.headers);
        const token = takeToken(req);
        if (!token) throw new TokenMissingError();
        const grant = await deps.validator.validate(token);
        prepareUpstreamRequest(req, grant, { prefix: PROXY_PREFIX, basicAuth: deps.basicAuth, requestId, remoteAddress: (socket as Socket).remoteAddress ?? "unknown", proto: "http", upgrade: true });
        await deps.forwarder.ws(req, socket, head);
        deps.tunnels.add(socket, grant, tokenHash(token));
        log.info("tunnel open", { token_id: grant.tokenId, path: req.url?.split("?")[0] });
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
