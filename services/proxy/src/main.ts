import http from "node:http";
import { hostname } from "node:os";
import { topics } from "@tollgate/contracts";
import {
  closeRedis,
  createHttpMetrics,
  createIdempotentProducer,
  createKafka,
  createLogger,
  createRedis,
  degradesOnly,
  ensureTopics,
  installGracefulShutdown,
  listen,
  namespacedTopic,
} from "@tollgate/service-kit";
import { createApp } from "./app";
import { loadProxyConfig } from "./config";
import { createUpgradeHandler } from "./http/upgrade.handler";
import { createRevocationConsumer } from "./messaging/revocation.consumer";
import { createProxyMetrics } from "./proxy-metrics";
import { createProxyRuntime } from "./proxy-runtime";
import { loadAssertionKeys } from "./identity/assertion-keys";

async function main(): Promise<void> {
  const config = loadProxyConfig();
  const logger = createLogger({ service: "proxy", level: config.LOG_LEVEL });
  const instanceId = config.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
  const httpMetrics = createHttpMetrics();
  const metrics = createProxyMetrics(httpMetrics);
  const redis = createRedis({ url: config.REDIS_URL, profile: "cache", logger, name: "proxy-cache", commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });

  const runtime = createProxyRuntime(
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
    { redis, logger, metrics },
  );

  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID ?? "tollgate-proxy", brokers: config.KAFKA_BROKERS, logger });
  await ensureTopics(kafka, [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents), namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents)]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const revocations = createRevocationConsumer({
    kafka,
    logger,
    deadLetterProducer: producer,
    validator: runtime.validator,
    tunnels: runtime.tunnels,
    topicNamespace: config.KAFKA_TOPIC_NAMESPACE,
    instanceId,
    metrics: metrics.registry,
  });

  let shuttingDown = (): boolean => false;
  const app = createApp({
    logger,
    validator: runtime.validator,
    forwarder: runtime.forwarder,
    target: runtime.target,
    app: runtime.app,
    asserter: runtime.asserter,
    basicAuth: config.UPSTREAM_BASIC_AUTH,
    metrics: httpMetrics,
    isShuttingDown: () => shuttingDown(),
    readiness: {
      redis: () => redis.ping(),
      token_service: async () => {
        const res = await fetch(new URL("/health/live", config.TOKEN_SERVICE_URL), { signal: AbortSignal.timeout(1_500) });
        if (!res.ok) throw new Error(`answered ${res.status}`);
      },
      // Without revocation events the proxy still refuses a revoked token within GRANT_MAX_AGE_SECONDS.
      kafka_consumer: degradesOnly(() => revocations.ready()),
    },
  });
  const server = http.createServer(app);
  server.on("upgrade", createUpgradeHandler({ ...runtime, logger, basicAuth: config.UPSTREAM_BASIC_AUTH }));
  const shutdown = installGracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      {
        name: "tunnels",
        run: async () => {
          runtime.tunnelRevalidation();
          runtime.tunnels.closeAll(1001, "going_away");
        },
      },
      { name: "revocation consumer", run: () => revocations.stop() },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "forwarder", run: async () => runtime.forwarder.close() },
      { name: "redis", run: () => closeRedis(redis) },
    ],
  });
  shuttingDown = shutdown.isShuttingDown;

  await revocations.start();
  const port = await listen(server, config.PORT, config.HOST);
  logger.info("proxy listening", { port, host: config.HOST, upstream: new URL(config.UPSTREAM_URL).origin, app_origin: config.APP_PUBLIC_ORIGIN ?? null });
}

main().catch((error: unknown) => {
  process.stderr.write(`proxy failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
