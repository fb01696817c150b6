import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { TollgateClient } from "../tollgate-client";
import { AccessWatch, type ConnectorEnd } from "./access-watch";
import { ConnectorForwarder } from "./connector-forwarder";
import { validateConnectorOptions, type ConnectorLogger, type ConnectorOptions } from "./connector-options";
import { crossSitePage, endedPage, misdirectedPage, refuseUpgrade, writePage, type ConnectorPage } from "./connector-pages";
import { isCrossSiteSubrequest, localOriginOf } from "./local-request-guard";
import { discoverRemoteAccess } from "./remote-access";

/** The close code the proxy uses for a tunnel whose token ended; the connector uses it too. */
const TOKEN_CLOSE_CODE = 4401;
/** Errors that mean the gateway could not be reached at all. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);

/** However many 401s arrive together, at most one probe a second. */
const MIN_PROBE_GAP_MS = 1_000;
const SILENT: ConnectorLogger = { info: () => undefined, warn: () => undefined };

export interface Connector {
  /** Where the browser opens the application, e.g. `http://127.0.0.1:49152/`. */
  url: string;
  /** "app": the app origin's root, byte for byte; "prefix": the gateway's path prefix (the deployment has no app origin). */
  mode: "app" | "prefix";
  /** The origin requests are forwarded to: the app origin, or the gateway's. */
  remoteOrigin: string;
  /** Settles once, when access ends (`revoked`, `expired`, `invalid`) or `close()` is called (`closed`). Never rejects. */
  ended: Promise<ConnectorEnd>;
  /** Stops listening, closes every tunnel (1001) and connection; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The desktop connector: a local HTTP and WebSocket forwarder on loopback that serves the upstream
 * at the root of its own origin to the user's browser, adding the access token on the way.
 *
 * One launch call (`client.proxy.launchUrl`) finds the app origin; with none (404
 * `APP_ORIGIN_NOT_CONFIGURED`) it forwards `/x` to `<gateway>/api/v1/proxy/x` instead. Every request
 * and upgrade gets `X-Access-Token`, the remote `Host`, and `Origin`/`Referer` mapped (see
 * `remoteRequestHeaders`); responses get `Location` and `Set-Cookie` mapped back (see
 * `mapResponseHeaders`). Requests whose `Host` is not the connector's (DNS rebinding) get 421, and
 * cross-site subrequests 403 (see `local-request-guard.ts`).
 *
 * Access ends when the proxy says the token is revoked, expired or invalid: a probe runs after any
 * 401 from a forwarded request or upgrade, after a tunnel closed with 4401, and every
 * `checkIntervalMs`. Then `ended` resolves, `onEnded` is called, tunnels are closed with 4401, and
 * every further request gets the connector's own 401 page saying what to do.
 *
 * Rejects with `TypeError` for invalid options (port, token shape, gateway URL) and with
 * `TollgateError` when the gateway refuses the token at the start (401 `TOKEN_REVOKED`,
 * `TOKEN_EXPIRED`, `TOKEN_INVALID`); with the error `listen` gives for a port in use.
 * Starting uses the token, so its clock starts if it had not.
 */
export async function startConnector(options: ConnectorOptions): Promise<Connector> {
  const valid = validateConnectorOptions(options);
  const fetchImpl = options.fetchImpl ?? fetch;
  const logger = options.logger ?? SILENT;
  const client = new TollgateClient({ baseUrl: valid.gatewayUrl, fetch: fetchImpl, ca: options.ca });
  const remote = await discoverRemoteAccess(client, valid.gatewayUrl, valid.token);

  let settle: (end: ConnectorEnd) => void = () => undefined;
  const ended = new Promise<ConnectorEnd>((resolve) => (settle = resolve));
  const forwarder: ConnectorForwarder = new ConnectorForwarder(remote.route, valid.token, {
    unauthorized: () => watch.suspect(),
    tunnelClosed: (code) => {
      if (code === TOKEN_CLOSE_CODE) watch.suspect();
    },
    // Only a failure to reach the gateway is worth a word; a socket the far side already closed
    // (the proxy ending a revoked tunnel, a browser going away) is not.
    failed: (error) => {
      if (UNREACHABLE.has((error as NodeJS.ErrnoException).code ?? "")) logger.warn(`could not reach ${remote.route.origin}: ${error.message}`);
    },
  }, options.ca);
  const watch: AccessWatch = new AccessWatch({
    probe: remote.probe,
    intervalMs: valid.checkIntervalMs,
    minGapMs: MIN_PROBE_GAP_MS,
    onProbeError: (error) => logger.warn(`could not check the access token: ${error instanceof Error ? error.message : String(error)}`),
    onEnd: (end) => {
      if (end.reason !== "closed") forwarder.closeTunnels(TOKEN_CLOSE_CODE, `token_${end.reason}`);
      settle(end);
      options.onEnded?.(end);
    },
  });

  const server = http.createServer();
  const listen = { host: valid.host, port: valid.port };
  /** The local origin to forward for, or the page to answer instead. */
  const admit = (req: IncomingMessage, upgrade: boolean): string | ConnectorPage => {
    const localOrigin = localOriginOf(req, listen);
    if (!localOrigin || !req.url?.startsWith("/")) return misdirectedPage();
    if (watch.end) return endedPage(watch.end.reason);
    if (isCrossSiteSubrequest(req, upgrade)) return crossSitePage();
    return localOrigin;
  };
  server.on("request", (req, res) => {
    const admitted = admit(req, false);
    if (typeof admitted === "string") forwarder.web(req, res, admitted);
    else writePage(res, admitted);
  });
  server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const admitted = admit(req, true);
    if (typeof admitted === "string") forwarder.ws(req, socket, head, admitted);
    else refuseUpgrade(socket, admitted);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      forwarder.close();
      reject(error);
    });
    server.listen(valid.port, valid.host, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
  listen.port = (server.address() as AddressInfo).port;
  watch.start();
  const url = `http://${valid.host === "::1" ? "[::1]" : valid.host}:${listen.port}/`;
  logger.info(`forwarding ${url} to ${remote.route.origin}${remote.route.prefix}/`);

  let closing: Promise<void> | undefined;
  return {
    url,
    mode: remote.route.mode,
    remoteOrigin: remote.route.origin,
    ended,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        watch.finish({ reason: "closed" });
        forwarder.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
