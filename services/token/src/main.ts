import { hostname } from "node:os";
import { topics } from "@tollgate/contracts";
import {
  accessTokenVerifier,
  connectKafka,
  createHttpMetrics,
  createLogger,
  degradesOnly,
  exposeOutboxBacklog,
  namespacedTopic,
  openDatabase,
  OutboxNotifier,
  OutboxRelayThread,
  RevokedSessionView,
  runMain,
  serve,
  ServiceTokenProvider,
} from "@tollgate/service-kit";
import { createApp, createUseCases } from "./app";
import { loadTokenConfig } from "./config";
import { BillingClient } from "./data/billing.client";
import { crashAt } from "./domain/crash-point";
import { PurchaseSweeper } from "./purchase-sweeper";
import { createPurchaseRefundedConsumer } from "./messaging/purchase-refunded.consumer";
import { createUserDisabledConsumer } from "./messaging/user-disabled.consumer";
import { tokenMigrations } from "./migrations";
import { createTokenMetrics } from "./token-metrics";

async function main(): Promise<void> {
  const config = loadTokenConfig();
  const logger = createLogger({ service: "token", level: config.LOG_LEVEL });
  const instanceId = `${hostname()}-${process.pid}`;

  const knex = await openDatabase({ url: config.DATABASE_URL, logger, migrations: tokenMigrations });
  const authTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  const clientId = config.KAFKA_CLIENT_ID ?? "tollgate-token";
  const { kafka, producer } = await connectKafka({ clientId, brokers: config.KAFKA_BROKERS, logger, topics: [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents), authTopic, namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.billingEvents)] });

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
  const useCases = createUseCases(
    { knex, outbox: outboxNotifier, billing, logger, activity: metrics.activity },
    {
      topicNamespace: config.KAFKA_TOPIC_NAMESPACE,
      maxTokensPerUser: config.MAX_TOKENS_PER_USER,
      requireVerifiedEmail: config.REQUIRE_VERIFIED_EMAIL,
      idempotencyEncryptionKey: config.IDEMPOTENCY_ENCRYPTION_KEY,
      recoverAfterSeconds: config.PURCHASE_RECOVERY_AFTER_SECONDS,
      // The config refuses a crash point outside NODE_ENV=test.
      crash: config.PURCHASE_CRASH_POINT ? crashAt(config.PURCHASE_CRASH_POINT) : undefined,
    },
  );
  const sweeper = new PurchaseSweeper(useCases.recover, logger, config.PURCHASE_SWEEP_INTERVAL_MS);
  // The relay runs on a thread of its own, with its own connections and producer, so neither the
  // request pool's queue nor the request thread's event loop delays an event.
  const relay = new OutboxRelayThread({ databaseUrl: config.DATABASE_URL, clientId: `${clientId}-relay`, brokers: config.KAFKA_BROKERS, service: "token", logLevel: config.LOG_LEVEL, logger, topics: [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.tokenEvents)] });
  const userDisabled = createUserDisabledConsumer({ kafka, knex, logger, deadLetterProducer: producer, revokeTokens: useCases.revoke, topicNamespace: config.KAFKA_TOPIC_NAMESPACE, metrics: metrics.http.registry });
  // billing's full refunds make the purchase's token unusable (issue #19).
  const purchaseRefunded = createPurchaseRefundedConsumer({ kafka, knex, logger, deadLetterProducer: producer, revokeRefunded: useCases.revokeRefunded, outbox: outboxNotifier, topicNamespace: config.KAFKA_TOPIC_NAMESPACE, metrics: metrics.http.registry });
  const revocations = new RevokedSessionView({ kafka, topic: authTopic, logger, deadLetterProducer: producer, service: "token", instanceId, retentionSeconds: config.ACCESS_TOKEN_TTL_SECONDS, metrics: metrics.http.registry });
  const verifier = accessTokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

  relay.start();
  sweeper.start();
  // Ready means warm: the relay's producer, connection and topic metadata, and the notifier's
  // connection, are open before the first request (issue 23: the first second counts).
  await Promise.all([userDisabled.start(), purchaseRefunded.start(), revocations.start(), relay.ready(), outboxNotifier.warm()]);
  const { port } = await serve({
    app: (isShuttingDown) =>
      createApp({
        logger,
        knex,
        verifier,
        revocations,
        useCases,
        bodyLimit: config.HTTP_BODY_LIMIT,
        metrics: metrics.http,
        isShuttingDown,
        readiness: {
          user_disabled_consumer: degradesOnly(() => userDisabled.ready()),
          purchase_refunded_consumer: degradesOnly(() => purchaseRefunded.ready()),
          revoked_sessions_consumer: degradesOnly(() => revocations.ready()),
          outbox_relay: degradesOnly(() => relay.ready()),
        },
      }),
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: "purchase sweeper", run: () => sweeper.stop() },
      { name: "user-disabled consumer", run: () => userDisabled.stop() },
      { name: "purchase-refunded consumer", run: () => purchaseRefunded.stop() },
      { name: "revoked-session view", run: () => revocations.stop() },
      { name: "outbox notifier", run: () => outboxNotifier.close() },
      { name: "outbox relay", run: () => relay.stop({ flushTimeoutMs: 3_000 }) },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "database", run: () => knex.destroy() },
    ],
  });
  logger.info("token service listening", { port, host: config.HOST });
}

runMain("token service", main);
