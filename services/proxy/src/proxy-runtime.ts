import type { Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { TokenValidator } from "./domain/token-validator";
import type { ProxyMetrics } from "./proxy-metrics";
import { TunnelRegistry } from "./tunnel/tunnel-registry";
import { Forwarder } from "./upstream/forwarder";
import { ServiceTokenProvider } from "./upstream/service-token.provider";
import { TokenServiceClient } from "./upstream/token-service.client";
import { PROXY_PREFIX } from "./http/proxy.handler";

export interface ProxyRuntimeSettings {
  upstreamUrl: string;
  upstreamBasicAuth?: string;
  upstreamTimeoutMs: number;
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
  rewriteMaxBytes: number;
}

/** The proxy's moving parts, wired from settings and real clients (main.ts and tests share this). */
export function createProxyRuntime(settings: ProxyRuntimeSettings, deps: { redis: Redis; logger: Logger; metrics?: ProxyMetrics }) {
  const serviceTokens = new ServiceTokenProvider({ authUrl: settings.authUrl, clientId: settings.serviceClientId, clientSecret: settings.serviceClientSecret });
  const tokenService = new TokenServiceClient({
    baseUrl: settings.tokenServiceUrl,
    serviceTokens,
    timeoutMs: settings.tokenServiceTimeoutMs,
    breakerThreshold: settings.tokenServiceBreakerThreshold,
    halfOpenAfterMs: settings.tokenServiceHalfOpenMs,
  });
  const validator = new TokenValidator({
    redis: deps.redis,
    validateRemotely: (token) => tokenService.validate(token),
    logger: deps.logger,
    positiveTtlMs: settings.cachePositiveTtlMs,
    negativeTtlMs: settings.cacheNegativeTtlMs,
    maxEntries: settings.cacheMaxEntries,
    counters: deps.metrics && { hit: (tier) => deps.metrics?.validations.inc({ tier }) },
  });
  const forwarder = new Forwarder({
    upstreamUrl: settings.upstreamUrl,
    basicAuth: settings.upstreamBasicAuth,
    prefix: PROXY_PREFIX,
    timeoutMs: settings.upstreamTimeoutMs,
    breakerThreshold: settings.upstreamBreakerThreshold,
    halfOpenAfterMs: settings.upstreamHalfOpenMs,
    maxSockets: settings.upstreamMaxSockets,
    rewriteMaxBytes: settings.rewriteMaxBytes,
    logger: deps.logger,
  });
  const tunnels = new TunnelRegistry((open) => deps.metrics?.tunnelsOpen.set(open));
  if (deps.metrics) {
    const breakers = deps.metrics.breakerOpen;
    forwarder.breaker.onStateChange((state) => breakers.set({ dependency: "upstream" }, state === 0 ? 0 : 1));
    tokenService.policy.breaker.onStateChange((state) => breakers.set({ dependency: "token_service" }, state === 0 ? 0 : 1));
  }
  return { serviceTokens, tokenService, validator, forwarder, tunnels };
}
export type ProxyRuntime = ReturnType<typeof createProxyRuntime>;
