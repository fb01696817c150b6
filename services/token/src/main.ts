import { hostname } from "node:os";
import http from "node:http";
import { topics } from "@tollgate/contracts";
import {
  createDatabase,
  createHttpMetrics,
  exposeOutboxBacklog,
  createIdempotentProducer,
  createKafka,
  createLogger,
  degradesOnly,
  ensureDatabase,
  ensureTopics,
  httpJwksFetcher,
  installGracefulShutdown,
  JwksKeyStore,
  JwtVerifier,
  listen,
  migrate,
  namespacedTopic,
  OutboxNotifier,
  OutboxRelayThread,
  RevokedSessionView,
  ServiceTokenProvider,
} from "@tollgate/service-kit";
import { createApp, createTokenUseCases } from "./app";
import { loadTokenConfig } from "./config";
import { BillingClient } from "./data/billing.client";
import { crashAt } from "./domain/crash-point";
import { PurchaseSweeper } from "./purchase-sweeper";
import { createUserDisabledConsumer } from "./messaging/user-disabled.consumer";
import { tokenMigrations } from "./migrations";
import { createTokenMetrics } from "./token-metrics";

async function main(): Promise<void> {
  const config = loadTokenConfig();
  const logger = createLogger({ service: "token", level: config.LOG_LEVEL });
  const instanceId = `${hostname()}-${process.pid}`;

  await ensureDatabase(config.DATABASE_URL);
  const knex = createDatabase({ url: config.DATABASE_URL, logger });
  const applied = await migrate(knex, tokenMigrations);
  if (applied.length > 0) logger.info("migrations applied", { applied });

  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID ?? "tollgate-token", brokers: config.KAFKA_BROKERS, logger });
  const tokenTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents);
  const authTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  await ensureTopics(kafka, [tokenTopic, authTopic]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();

  const metrics = createTokenMetrics(createHttpMetrics());
  // The relay runs on its own thread; the backlog is read from the table by this thread's registry.
  exposeOutboxBacklog(metrics.http.registry, knex, { logger });
  // Activations wake the relay after they commit, over a connection of their own.
  const outboxNotifier = new OutboxNotifier({ url: config.DATABASE_URL, logger });
  const billing = new BillingClient({
    baseUrl: config.BILLING_URL,
    serviceTokens: new ServiceTokenProvider({ authUrl: config.AUTH_URL, clientId: config.SERVICE_CLIENT_ID, clientSecret: config.SERVICE_CLIENT_SECRET, caller: "the token service" }),
    timeoutMs: config.BILLING_TIMEOUT_MS,
    breakerThreshold: config.BILLING_BREAKER_THRESHOLD,
    halfOpenAfterMs: config.BILLING_HALF_OPEN_MS,
    registry: metrics.http.registry,
  });
  const useCases = createTokenUseCases(knex, outboxNotifier, config.KAFKA_TOPIC_NAMESPACE, config.MAX_TOKENS_PER_USER, metrics.activity, {
    requireVerifiedEmail: config.REQUIRE_VERIFIED_EMAIL,
    billing,
    idempotencyEncryptionKey: config.IDEMPOTENCY_ENCRYPTION_KEY,
    recoverAfterSeconds: config.PURCHASE_RECOVERY_AFTER_SECONDS,
    // The config refuses a crash point outside NODE_ENV=test.
    crash: config.PURCHASE_CRASH_POINT ? crashAt(config.PURCHASE_CRASH_POINT) : undefined,
    logger,
  });
  const sweeper = new PurchaseSweeper(useCases.recover, logger, config.PURCHASE_SWEEP_INTERVAL_MS);
  // The relay runs on a thread of its own, with its own connections and producer, so neither the
  // request pool's queue nor the request thread's event loop delays an event.
  const relay = new OutboxRelayThread({
    databaseUrl: config.DATABASE_URL,
    clientId: `${config.KAFKA_CLIENT_ID ?? "tollgate-token"}-relay`,
    brokers: config.KAFKA_BROKERS,
    service: "token",
    logLevel: config.LOG_LEVEL,
    logger,
  });
  const userDisabled = createUserDisabledConsumer({ kafka, knex, logger, deadLetterProducer: producer, revokeTokens: useCases.revoke, topicNamespace: config.KAFKA_TOPIC_NAMESPACE, metrics: metrics.http.registry });
  const revocations = new RevokedSessionView({
    kafka,
    topic: authTopic,
    logger,
    deadLetterProducer: producer,
    service: "token",
    instanceId,
    retentionSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    metrics: metrics.http.registry,
  });
  const verifier = new JwtVerifier({
    keys: new JwksKeyStore({ fetchJwks: httpJwksFetcher(config.AUTH_JWKS_URL) }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  let shuttingDown = (): boolean => false;
  const app = createApp({
    logger,
    knex,
    verifier,
    revocations,
    useCases,
    bodyLimit: config.HTTP_BODY_LIMIT,
    metrics: metrics.http,
    isShuttingDown: () => shuttingDown(),
    readiness: {
      user_disabled_consumer: degradesOnly(() => userDisabled.ready()),
      revoked_sessions_consumer: degradesOnly(() => revocations.ready()),
    },
  });
  const server = http.createServer(app);
  const shutdown = installGracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: "purchase sweeper", run: () => sweeper.stop() },
      { name: "user-disabled consumer", run: () => userDisabled.stop() },
      { name: "revoked-session view", run: () => revocations.stop() },
      { name: "outbox notifier", run: () => outboxNotifier.close() },
      { name: "outbox relay", run: () => relay.stop({ flushTimeoutMs: 3_000 }) },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "database", run: () => knex.destroy() },
    ],
  });
  shuttingDown = shutdown.isShuttingDown;

  relay.start();
  sweeper.start();
  await Promise.all([userDisabled.start(), revocations.start()]);
  const port = await listen(server, config.PORT, config.HOST);
  logger.info("token service listening", { port, host: config.HOST });
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad config is reported by the config loader itself).
  process.stderr.write(`token service failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
