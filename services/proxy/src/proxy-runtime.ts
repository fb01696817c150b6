import { exposeBreakerState, ServiceTokenProvider, type Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { TokenRejectedError } from "./domain/grant";
import { TokenValidator } from "./domain/token-validator";
import type { ProxyMetrics } from "./proxy-metrics";
import { TunnelRegistry } from "./tunnel/tunnel-registry";
import { Forwarder } from "./upstream/forwarder";
import { TokenServiceClient } from "./upstream/token-service.client";
import { RedisAppSessionRepository } from "./data/app-session.repository";
import { AppSessionUseCases } from "./domain/app-session.use-case";
import { upstreamTarget } from "./upstream/upstream-target";
import { hostName } from "./http/public-side";
import type { AssertionKey } from "./identity/assertion-keys";
import { IdentityAsserter } from "./identity/identity-assertion";

export interface ProxyRuntimeSettings {
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

/** The proxy's moving parts, wired from settings and real clients (main.ts and tests share this). */
export function createProxyRuntime(settings: ProxyRuntimeSettings, deps: { redis: Redis; logger: Logger; metrics?: ProxyMetrics }) {
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

/**
 * Open tunnels live past any one request, so every `everyMs` each token with a tunnel is validated
 * again like a request (cached grants within GRANT_MAX_AGE, the token service past half of it): a
 * token refused then closes its tunnels with 4401, whether or not a revocation event arrived. A
 * token service that cannot answer leaves them open (the HTTP side answers 503 meanwhile).
 * Returns a function that stops it.
 */
export function revalidateTunnels(tunnels: TunnelRegistry, validator: TokenValidator, everyMs: number): () => void {
  const timer = setInterval(() => {
    for (const hash of tunnels.tokenHashes()) {
      validator.validateHash(hash).catch((error: unknown) => {
        if (error instanceof TokenRejectedError) tunnels.closeByToken(hash, error.code === "TOKEN_EXPIRED" ? "token_expired" : "token_revoked");
      });
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
export type ProxyRuntime = ReturnType<typeof createProxyRuntime>;
