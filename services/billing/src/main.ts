import { hostname } from "node:os";
import http from "node:http";
import { topics } from "@tollgate/contracts";
import {
  createDatabase,
  createHttpMetrics,
  createIdempotentProducer,
  createKafka,
  createLogger,
  degradesOnly,
  ensureDatabase,
  ensureTopics,
  exposeOutboxBacklog,
  httpJwksFetcher,
  installGracefulShutdown,
  JwksKeyStore,
  JwtVerifier,
  listen,
  migrate,
  namespacedTopic,
  OutboxRelayThread,
  RevokedSessionView,
} from "@tollgate/service-kit";
import Stripe from "stripe";
import { createApp, createBillingUseCases } from "./app";
import { createBillingMetrics } from "./billing-metrics";
import { loadBillingConfig } from "./config";
import { StripeCheckout } from "./data/stripe-checkout";
import { billingMigrations } from "./migrations";

async function main(): Promise<void> {
  const config = loadBillingConfig();
  const logger = createLogger({ service: "billing", level: config.LOG_LEVEL });
  const instanceId = `${hostname()}-${process.pid}`;

  await ensureDatabase(config.DATABASE_URL);
  const knex = createDatabase({ url: config.DATABASE_URL, logger });
  const applied = await migrate(knex, billingMigrations);
  if (applied.length > 0) logger.info("migrations applied", { applied });

  const kafka = createKafka({ clientId: config.KAFKA_CLIENT_ID ?? "tollgate-billing", brokers: config.KAFKA_BROKERS, logger });
  const billingTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.billingEvents);
  const authTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  await ensureTopics(kafka, [billingTopic, authTopic]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();

  const metrics = createBillingMetrics(createHttpMetrics());
  exposeOutboxBacklog(metrics.http.registry, knex, { logger });
  const paymentProvider = config.STRIPE_SECRET_KEY
    ? new StripeCheckout(new Stripe(config.STRIPE_SECRET_KEY, { maxNetworkRetries: 2, timeout: 10_000 }), { successUrl: config.TOP_UP_SUCCESS_URL, cancelUrl: config.TOP_UP_CANCEL_URL })
    : undefined;
  const useCases = createBillingUseCases(
    knex,
    config.KAFKA_TOPIC_NAMESPACE,
    { currency: config.PRICE_CURRENCY, topUpMinAmount: config.TOP_UP_MIN_AMOUNT, topUpMaxAmount: config.TOP_UP_MAX_AMOUNT },
    { logger, paymentProvider, activity: metrics.activity },
  );
  if (await useCases.prices.applyConfigured(config.PRICE_CURRENCY, config.PRICE_LIST)) logger.info("price version recorded from PRICE_LIST", { currency: config.PRICE_CURRENCY });

  // The relay runs on a thread of its own, with its own connections and producer.
  const relay = new OutboxRelayThread({
    databaseUrl: config.DATABASE_URL,
    clientId: `${config.KAFKA_CLIENT_ID ?? "tollgate-billing"}-relay`,
    brokers: config.KAFKA_BROKERS,
    service: "billing",
    logLevel: config.LOG_LEVEL,
    logger,
  });
  const revocations = new RevokedSessionView({
    kafka,
    topic: authTopic,
    logger,
    deadLetterProducer: producer,
    service: "billing",
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
    production: config.NODE_ENV === "production",
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    activity: metrics.activity,
    bodyLimit: config.HTTP_BODY_LIMIT,
    metrics: metrics.http,
    isShuttingDown: () => shuttingDown(),
    readiness: { revoked_sessions_consumer: degradesOnly(() => revocations.ready()) },
  });
  const server = http.createServer(app);
  const shutdown = installGracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: "revoked-session view", run: () => revocations.stop() },
      { name: "outbox relay", run: () => relay.stop({ flushTimeoutMs: 3_000 }) },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "database", run: () => knex.destroy() },
    ],
  });
  shuttingDown = shutdown.isShuttingDown;

  relay.start();
  await revocations.start();
  const port = await listen(server, config.PORT, config.HOST);
  logger.info("billing service listening", { port, host: config.HOST, currency: config.PRICE_CURRENCY, card_top_ups: config.STRIPE_SECRET_KEY !== undefined });
}

main().catch((error: unknown) => {
  // The logger may not exist yet (bad config is reported by the config loader itself).
  process.stderr.write(`billing service failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
