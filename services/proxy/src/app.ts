import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { createHttpApp, createHttpMetrics, exposeBreakerState, plainRoute, ServiceTokenProvider, type HttpMetrics, type Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { RedisAppSessionRepository } from "./data/app-session.repository";
import { AppSessionUseCases } from "./domain/app-session.use-case";
import { TokenValidator } from "./domain/token-validator";
import { appOriginHandler } from "./http/app-origin.handler";
import { writeProxyError } from "./http/error-page";
import { launchHandler } from "./http/launch.handler";
import { isProxyPath, proxyHandler } from "./http/proxy.handler";
import { appSide, hostName, isAppOriginRequest, PROXY_PREFIX } from "./http/public-side";
import type { AssertionKey } from "./identity/assertion-keys";
import { IdentityAsserter } from "./identity/identity-assertion";
import type { ProxyMetrics } from "./proxy-metrics";
import { TunnelRegistry } from "./tunnel/tunnel-registry";
import { revalidateTunnels } from "./tunnel/tunnel-revalidation";
import { Forwarder } from "./upstream/forwarder";
import { TokenServiceClient } from "./upstream/token-service.client";
import { upstreamTarget, type UpstreamTarget } from "./upstream/upstream-target";

/** How the proxy gates and forwards; main.ts sets every field from config. */
export interface ProxySettings {
  upstreamUrl: string;
  upstreamBasicAuth?: string;
  /** UPSTREAM_TIMEOUT_MS: the longest silence inside a response body. */
  upstreamTimeoutMs: number;
  upstreamConnectTimeoutMs: number;
  upstreamHeadersTimeoutMs: number;
  upstreamBreakerThreshold: number;
  upstreamHalfOpenMs: number;
  upstreamMaxSockets: number;
  tokenServiceUrl: string;
  tokenServiceTimeoutMs: number;
  tokenServiceBreakerThreshold: number;
  tokenServiceHalfOpenMs: number;
  authUrl: string;
  serviceClientId: string;
  serviceClientSecret: string;
  cachePositiveTtlMs: number;
  cacheNegativeTtlMs: number;
  cacheMaxEntries: number;
  /** GRANT_MAX_AGE_SECONDS in ms: how old a cached grant may be before it is re-validated. */
  grantMaxAgeMs: number;
  rewriteMaxBytes: number;
  /** e.g. http://app.localhost:8080; unset: no app origin. */
  appPublicOrigin?: string;
  upstreamHostHeader?: "upstream" | "preserve";
  appLaunchTtlSeconds?: number;
  identityAssertionKeys: AssertionKey[];
  identityAssertionIssuer?: string;
  identityAssertionAudience?: string;
}

/** What the use cases talk to. main.ts passes real clients; tests pass the same kinds. */
export interface ProxyClients {
  /** The validation cache and app-origin sessions. */
  redis: Redis;
  logger: Logger;
  metrics?: ProxyMetrics;
}

/** The proxy's moving parts (validator, forwarder, tunnels, app sessions), wired once; the HTTP app and the upgrade handler share them. */
export type ProxyUseCases = ReturnType<typeof createUseCases>;

export function createUseCases(clients: ProxyClients, settings: ProxySettings) {
  const deps = clients;
  const serviceTokens = new ServiceTokenProvider({ authUrl: settings.authUrl, clientId: settings.serviceClientId, clientSecret: settings.serviceClientSecret, caller: "the proxy" });
  const tokenService = new TokenServiceClient({
    baseUrl: settings.tokenServiceUrl,
    serviceTokens,
    timeoutMs: settings.tokenServiceTimeoutMs,
    breakerThreshold: settings.tokenServiceBreakerThreshold,
    halfOpenAfterMs: settings.tokenServiceHalfOpenMs,
  });
  const validator = new TokenValidator({
    redis: deps.redis,
    remote: { byToken: (token) => tokenService.validate(token), byHash: (hash) => tokenService.validateHash(hash) },
    logger: deps.logger,
    positiveTtlMs: settings.cachePositiveTtlMs,
    negativeTtlMs: settings.cacheNegativeTtlMs,
    maxEntries: settings.cacheMaxEntries,
    grantMaxAgeMs: settings.grantMaxAgeMs,
    counters: deps.metrics && { hit: (tier) => deps.metrics?.validations.inc({ tier }) },
  });
  const target = upstreamTarget(settings.upstreamUrl, settings.upstreamHostHeader === "preserve");
  const forwarder = new Forwarder({
    target,
    basicAuth: settings.upstreamBasicAuth,
    connectTimeoutMs: settings.upstreamConnectTimeoutMs,
    headersTimeoutMs: settings.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: settings.upstreamTimeoutMs,
    breakerThreshold: settings.upstreamBreakerThreshold,
    halfOpenAfterMs: settings.upstreamHalfOpenMs,
    maxSockets: settings.upstreamMaxSockets,
    rewriteMaxBytes: settings.rewriteMaxBytes,
    logger: deps.logger,
  });
  const asserter = new IdentityAsserter({
    keys: settings.identityAssertionKeys,
    issuer: settings.identityAssertionIssuer ?? "tollgate-proxy",
    audience: settings.identityAssertionAudience ?? target.origin,
    maxEntries: settings.cacheMaxEntries,
  });
  const tunnels = new TunnelRegistry((open) => deps.metrics?.tunnelsOpen.set(open));
  const tunnelRevalidation = revalidateTunnels(tunnels, validator, settings.grantMaxAgeMs / 2);
  if (deps.metrics) {
    exposeBreakerState(deps.metrics.registry, "upstream", forwarder.breaker);
    exposeBreakerState(deps.metrics.registry, "token_service", tokenService.policy.breaker);
  }
  const app = settings.appPublicOrigin
    ? {
        origin: settings.appPublicOrigin,
        hostName: hostName(new URL(settings.appPublicOrigin).host),
        sessions: new AppSessionUseCases({
          validator,
          store: new RedisAppSessionRepository(deps.redis),
          appOrigin: settings.appPublicOrigin,
          ticketTtlMs: (settings.appLaunchTtlSeconds ?? 60) * 1000,
        }),
      }
    : undefined;
  return { serviceTokens, tokenService, validator, forwarder, tunnels, tunnelRevalidation, target, app, asserter };
}

/** What the HTTP app needs: the use cases it serves through, and its operational hooks. */
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
