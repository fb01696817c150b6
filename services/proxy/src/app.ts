import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { createHttpApp, createHttpMetrics, plainRoute, type HttpMetrics, type Logger } from "@tollgate/service-kit";
import type { AppSessionUseCases } from "./domain/app-session.use-case";
import type { TokenValidator } from "./domain/token-validator";
import { appOriginHandler } from "./http/app-origin.handler";
import { writeProxyError } from "./http/error-page";
import { launchHandler } from "./http/launch.handler";
import { isProxyPath, proxyHandler } from "./http/proxy.handler";
import { appSide, isAppOriginRequest, PROXY_PREFIX } from "./http/public-side";
import type { Forwarder } from "./upstream/forwarder";
import type { UpstreamTarget } from "./upstream/upstream-target";
import type { IdentityAsserter } from "./identity/identity-assertion";

export interface ProxyAppDeps {
  logger: Logger;
  validator: TokenValidator;
  forwarder: Forwarder;
  target: UpstreamTarget;
  asserter: IdentityAsserter;
  /** Present when the app origin is served (APP_PUBLIC_ORIGIN). */
  app?: { origin: string; hostName: string; sessions: AppSessionUseCases };
  basicAuth?: string;
  metrics?: HttpMetrics;
  readiness?: Record<string, () => Promise<unknown>>;
  isShuttingDown?: () => boolean;
}

export type ProxyApp = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The proxy's HTTP side; WebSocket upgrades are handled on the server by `createUpgradeHandler`.
 * A request whose Host is the app origin's goes to the upstream at the root, whatever its path;
 * otherwise the path prefix, then health, metrics and docs.
 * Requests under the prefix skip express (two thirds of each proxied request's CPU went to its
 * router and middleware: README, "Proxy throughput") but get the same request id, access log,
 * metrics and error body; health, metrics and docs are the usual express app.
 */
export function createApp(deps: ProxyAppDeps): ProxyApp {
  const metrics = deps.metrics ?? createHttpMetrics();
  const launch = launchHandler({ sessions: deps.app?.sessions, validator: deps.validator });
  const proxy = plainRoute({ logger: deps.logger, metrics, route: `${PROXY_PREFIX}/*`, writeError: writeProxyError }, proxyHandler({ ...deps, trustForwarded: true, launch }));
  const appRoute = deps.app
    ? plainRoute({ logger: deps.logger, metrics, route: "app-origin", writeError: writeProxyError }, appOriginHandler({ ...deps, sessions: deps.app.sessions, side: appSide(deps.app.origin) }))
    : undefined;
  const appHostName = deps.app?.hostName;
  const app = createHttpApp({
    logger: deps.logger,
    metrics,
    // Bodies stream to the upstream untouched: no JSON parsing here.
    jsonBodyLimit: false,
    readiness: deps.readiness,
    isShuttingDown: deps.isShuttingDown,
    openapi: {
      title: "Tollgate proxy",
      version: "1.0.0",
      description: "Token-gated access to the upstream application (HTTP and WebSocket).",
      apis: [path.join(__dirname, "http", "*.handler.{ts,js}"), path.join(__dirname, "app.{ts,js}")],
      tags: {
        proxy: "The gated upstream: any request under the prefix, and launch URLs for browsers",
        keys: "The keys that verify the identity assertion the upstream receives",
      },
    },
    routes: (app) => {
      /**
       * @openapi
       * /.well-known/jwks.json:
       *   get:
       *     operationId: getIdentityAssertionJwks
       *     summary: Public keys that verify the X-Tollgate-Jwt-Assertion header the upstream receives
       *     description: "Through the gateway: `/.well-known/proxy-jwks.json` (its `/.well-known/jwks.json` is the auth service's). Cache for up to 300 s."
       *     tags: [keys]
       *     security: []
       *     responses:
       *       200: { description: A JWK Set (RFC 7517), content: { application/json: { schema: { $ref: "#/components/schemas/IdentityAssertionJwks" } } } }
       */
      app.get("/.well-known/jwks.json", (_req, res) => {
        res.set("Cache-Control", "public, max-age=300").json(deps.asserter.jwks());
      });
    },
  });
  return (req, res) => {
    if (appRoute && isAppOriginRequest(req, appHostName)) appRoute(req, res);
    else if (isProxyPath(req.url ?? "/")) proxy(req, res);
    else app(req, res);
  };
}
