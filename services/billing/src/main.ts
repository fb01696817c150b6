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
  OutboxRelayThread,
  RevokedSessionView,
  runMain,
  serve,
} from "@tollgate/service-kit";
import Stripe from "stripe";
import { createApp, createUseCases } from "./app";
import { createBillingMetrics } from "./billing-metrics";
import { loadBillingConfig } from "./config";
import { StripeCheckout } from "./data/stripe-checkout";
import { billingMigrations } from "./migrations";

async function main(): Promise<void> {
  const config = loadBillingConfig();
  const logger = createLogger({ service: "billing", level: config.LOG_LEVEL });
  const instanceId = `${hostname()}-${process.pid}`;

  const knex = await openDatabase({ url: config.DATABASE_URL, logger, migrations: billingMigrations });
  const authTopic = namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.authEvents);
  const clientId = config.KAFKA_CLIENT_ID ?? "tollgate-billing";
  const { kafka, producer } = await connectKafka({ clientId, brokers: config.KAFKA_BROKERS, logger, topics: [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.billingEvents), authTopic] });

  const metrics = createBillingMetrics(createHttpMetrics());
  exposeOutboxBacklog(metrics.http.registry, knex, { logger });
  const paymentProvider = config.STRIPE_SECRET_KEY
    ? new StripeCheckout(new Stripe(config.STRIPE_SECRET_KEY, { maxNetworkRetries: 2, timeout: 10_000 }), { successUrl: config.TOP_UP_SUCCESS_URL, cancelUrl: config.TOP_UP_CANCEL_URL })
    : undefined;
  const useCases = createUseCases(
    { knex, logger, paymentProvider, activity: metrics.activity },
    { topicNamespace: config.KAFKA_TOPIC_NAMESPACE, currency: config.PRICE_CURRENCY, topUpMinAmount: config.TOP_UP_MIN_AMOUNT, topUpMaxAmount: config.TOP_UP_MAX_AMOUNT },
  );
  if (await useCases.prices.applyConfigured(config.PRICE_CURRENCY, config.PRICE_LIST)) logger.info("price version recorded from PRICE_LIST", { currency: config.PRICE_CURRENCY });

  // The relay runs on a thread of its own, with its own connections and producer.
  const relay = new OutboxRelayThread({ databaseUrl: config.DATABASE_URL, clientId: `${clientId}-relay`, brokers: config.KAFKA_BROKERS, service: "billing", logLevel: config.LOG_LEVEL, logger, topics: [namespacedTopic(config.KAFKA_TOPIC_NAMESPACE, topics.billingEvents)] });
  const revocations = new RevokedSessionView({ kafka, topic: authTopic, logger, deadLetterProducer: producer, service: "billing", instanceId, retentionSeconds: config.ACCESS_TOKEN_TTL_SECONDS, metrics: metrics.http.registry });
  const verifier = accessTokenVerifier({ jwksUrl: config.AUTH_JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });

  relay.start();
  // Ready means warm: the relay's producer, connection and topic metadata are open before the first request.
  await Promise.all([revocations.start(), relay.ready()]);
  const { port } = await serve({
    app: (isShuttingDown) =>
      createApp({
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
        isShuttingDown,
        readiness: { revoked_sessions_consumer: degradesOnly(() => revocations.ready()), outbox_relay: degradesOnly(() => relay.ready()) },
      }),
    port: config.PORT,
    host: config.HOST,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: [
      { name: "revoked-session view", run: () => revocations.stop() },
      { name: "outbox relay", run: () => relay.stop({ flushTimeoutMs: 3_000 }) },
      { name: "kafka producer", run: () => producer.disconnect() },
      { name: "database", run: () => knex.destroy() },
    ],
  });
  logger.info("billing service listening", { port, host: config.HOST, currency: config.PRICE_CURRENCY, card_top_ups: config.STRIPE_SECRET_KEY !== undefined });
}

runMain("billing service", main);
