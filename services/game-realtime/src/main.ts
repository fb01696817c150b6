import { hostname } from "node:os";
import { accessTokenVerifier, closeRedis, createKafka, createLogger, createRedis, ensureTopics, namespacedTopic, openDatabase, runMain, serve } from "@tollgate/service-kit";
import { deadLetterTopic, topics } from "@tollgate/contracts";
import { KitAccessTokenVerifier } from "./auth/kit-access-token-verifier";
import { loadConfig } from "./config";
import { createApp, createUseCases } from "./app";
import { migrations } from "./migrations";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: "game-realtime", level: config.LOG_LEVEL });
  const instanceId = config.INSTANCE_ID ?? `${hostname()}-${process.pid}`;

  const knex = await openDatabase({ url: config.DATABASE_URL, logger, pool: { max: config.DATABASE_POOL_MAX }, migrations });

  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "game-realtime" });
  const subscriber = createRedis({ url: config.REDIS_URL, profile: "subscriber", logger, name: "game-realtime-fanout" });
  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID ?? `game-realtime-${instanceId}`, brokers: config.KAFKA_BROKERS, logger });
  const deadLetterProducer = kafka.producer();
  const verifier = new KitAccessTokenVerifier(accessTokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }));

  let shuttingDown = false;
  const useCases = createUseCases(
    { logger, knex, redis, subscriber, verifier, kafka: { kafka, deadLetterProducer, topicNamespace: config.KAFKA_TOPIC_NAMESPACE } },
    {
      instanceId,
      redisKeyNamespace: config.REDIS_KEY_NAMESPACE,
      graceMs: config.GRACE_PERIOD_MS,
      graceSweepIntervalMs: config.GRACE_SWEEP_INTERVAL_MS,
      presenceTtlMs: config.PRESENCE_TTL_MS,
      maxConnectionsPerUser: config.WS_MAX_CONNECTIONS_PER_USER,
      moveBatch: { maxInFlight: config.MOVE_BATCHES_IN_FLIGHT, maxBatch: config.MOVE_BATCH_MAX },
      matchmaking: { timeoutMs: config.MATCHMAKING_TIMEOUT_SECONDS * 1000, intervalMs: config.MATCHMAKING_INTERVAL_MS },
      isShuttingDown: () => shuttingDown,
      socket: {
        allowedOrigins: config.ALLOWED_ORIGINS,
        authTimeoutMs: config.AUTH_TIMEOUT_MS,
        maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
        pingIntervalMs: config.WS_PING_INTERVAL_MS,
        maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
        ratePerSecond: config.WS_RATE_LIMIT_PER_SECOND,
        rateBurst: config.WS_RATE_LIMIT_BURST,
      },
    },
  );

  const { port, shutdown } = await serve({
    app: () => createApp({ logger, useCases, jsonBodyLimit: config.HTTP_BODY_LIMIT, isShuttingDown: () => shuttingDown }),
    beforeListen: (server) => useCases.sockets.attach(server),
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    // Signals are handled below: the sockets must close before the HTTP server can finish closing.
    signals: [],
    steps: [
      { name: "matchmaker", run: async () => useCases.matchmaker.stop() },
      { name: "auth-events consumer", run: async () => useCases.consumer?.stop() },
      { name: "user-directory consumer", run: async () => useCases.directoryConsumer?.stop() },
      { name: "dead-letter producer", run: () => deadLetterProducer.disconnect() },
      { name: "redis", run: async () => Promise.all([closeRedis(redis), closeRedis(subscriber)]) },
      { name: "postgres", run: () => knex.destroy() },
    ],
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      shuttingDown = true;
      // Every socket gets 1001 (going away); clients reconnect to another instance and rejoin.
      void useCases.sockets.close().finally(() => shutdown.shutdown(signal));
    });
  }
  logger.info("game-realtime listening", { port, host: config.HOST, instance_id: instanceId });
  // Subscribing to a topic that does not exist yet fails; the auth service may not have published anything.
  const authEvents = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  await ensureTopics(kafka, [authEvents, deadLetterTopic(authEvents)]);
  await deadLetterProducer.connect();
  await useCases.consumer?.start();
  await useCases.startDirectory();
  await useCases.matchmaker.start();
}

runMain("game-realtime", main);
