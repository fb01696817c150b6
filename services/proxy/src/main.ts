import { hostname } from "node:os";
import { topics } from "@tollgate/contracts";
import { closeRedis, connectKafka, createHttpMetrics, createLogger, createRedis, degradesOnly, namespacedTopic, runMain, serve } from "@tollgate/service-kit";
import { createApp, createUseCases } from "./app";
import { loadProxyConfig } from "./config";
import { createUpgradeHandler } from "./http/upgrade.handler";
import { createRevocationConsumer } from "./messaging/revocation.consumer";
import { createProxyMetrics } from "./proxy-metrics";
import { loadAssertionKeys } from "./identity/assertion-keys";

async function main(): Promise<void> {
  const config = loadProxyConfig();
  const logger = createLogger({ service: "proxy", level: config.LOG_LEVEL });
  const instanceId = config.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  const httpMetrics = createHttpMetrics();
  const metrics = createProxyMetrics(httpMetrics);
  const redis = createRedis({ url: config.REDIS_URL, profile: "cache", logger, name: "proxy-cache", commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });

  const useCases = createUseCases(
    { redis, logger, metrics },
    {
      upstreamUrl: config.UPSTREAM_URL,
      upstreamBasicAuth: config.UPSTREAM_BASIC_AUTH,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
      upstreamConnectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
      upstreamHeadersTimeoutMs: config.UPSTREAM_HEADERS_TIMEOUT_MS,
      upstreamBreakerThreshold: config.UPSTREAM_BREAKER_THRESHOLD,
      upstreamHalfOpenMs: config.UPSTREAM_HALF_OPEN_MS,
      upstreamMaxSockets: config.UPSTREAM_MAX_SOCKETS,
      tokenServiceUrl: config.TOKEN_SERVICE_URL,
      tokenServiceTimeoutMs: config.TOKEN_SERVICE_TIMEOUT_MS,
      tokenServiceBreakerThreshold: config.TOKEN_SERVICE_BREAKER_THRESHOLD,
      tokenServiceHalfOpenMs: config.TOKEN_SERVICE_HALF_OPEN_MS,
      authUrl: config.AUTH_URL,
      serviceClientId: config.SERVICE_CLIENT_ID,
      serviceClientSecret: config.SERVICE_CLIENT_SECRET,
      cachePositiveTtlMs: config.CACHE_POSITIVE_TTL_MS,
      cacheNegativeTtlMs: config.CACHE_NEGATIVE_TTL_MS,
      cacheMaxEntries: config.CACHE_MAX_ENTRIES,
      grantMaxAgeMs: config.GRANT_MAX_AGE_SECONDS * 1000,
      rewriteMaxBytes: config.REWRITE_MAX_BYTES,
      appPublicOrigin: config.APP_PUBLIC_ORIGIN,
      upstreamHostHeader: config.UPSTREAM_HOST_HEADER,
      appLaunchTtlSeconds: config.APP_LAUNCH_TTL_SECONDS,
      identityAssertionKeys: loadAssertionKeys(config.IDENTITY_ASSERTION_KEYS),
      identityAssertionIssuer: config.IDENTITY_ASSERTION_ISSUER,
      identityAssertionAudience: config.IDENTITY_ASSERTION_AUDIENCE,
    },
  );

  const { kafka, producer } = await connectKafka({
    clientId: config.KAFKA_CLIENT_ID ?? "tollgate-proxy",
    brokers: config.KAFKA_BROKERS,
    logger,
    topics: [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents), namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents)],
  });
  const revocations = createRevocationConsumer({
    kafka,
    logger,
    deadLetterProducer: producer,
    validator: useCases.validator,
    tunnels: useCases.tunnels,
    topicNamespace: config.KAFKA_TOPIC_NAMESPACE,
    instanceId,
    metrics: metrics.registry,
  });

  await revocations.start();
  const { port } = await serve({
    app: (isShuttingDown) =>
      createApp({
        logger,
        validator: useCases.validator,
        forwarder: useCases.forwarder,
        target: useCases.target,
        app: useCases.app,
        asserter: useCases.asserter,
        basicAuth: config.UPSTREAM_BASIC_AUTH,
        metrics: httpMetrics,
        isShuttingDown,
        readiness: {
          redis: () => redis.ping(),
          token_service: async () => {
            const res = await fetch(new URL("/health/live", config.TOKEN_SERVICE_URL), { signal: AbortSignal.timeout(1_500) });
            if (!res.ok) throw new Error(`answered ${res.status}`);
          },
          // Without revocation events the proxy still refuses a revoked token within GRANT_MAX_AGE_SECONDS.
          kafka_consumer: degradesOnly(() => revocations.ready()),
        },
      }),
    beforeListen: (server) => server.on("upgrade", createUpgradeHandler({ ...useCases, logger, basicAuth: config.UPSTREAM_BASIC_AUTH })),
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      {
        name: "tunnels",
        run: async () => {
          useCases.tunnelRevalidation();
          useCases.tunnels.closeAll(1001, "going_away");
        },
      },
      { name: "revocation consumer", run: () => revocations.stop() },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "forwarder", run: async () => useCases.forwarder.close() },
      { name: "redis", run: () => closeRedis(redis) },
    ],
  });
  logger.info("proxy listening", { port, host: config.HOST, upstream: new URL(config.UPSTREAM_URL).origin, app_origin: config.APP_PUBLIC_ORIGIN ?? null });
}

runMain("proxy", main);
