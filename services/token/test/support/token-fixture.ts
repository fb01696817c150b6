import { randomBytes } from "node:crypto";
import { topics } from "@tollgate/contracts";
import {
  connectKafka,
  type KafkaConnection,
  createHttpMetrics,
  createLogger,
  namespacedTopic,
  openDatabase,
  OutboxNotifier,
  OutboxRelayThread,
  ServiceTokenProvider,
} from "@tollgate/service-kit";
import { CaptureTransport, EventCollector, testDatabaseUrl, testInfra, uniqueName } from "@tollgate/test-harness";
import type { Express } from "express";
import type { Knex } from "knex";
import { createApp, createUseCases, type TokenUseCases } from "../../src/app";
import { BillingClient } from "../../src/data/billing.client";
import { startBillingFixture, ZERO_PRICES, type BillingFixture, type PriceList } from "./billing-fixture";
import { tokenMigrations } from "../../src/migrations";
import { createTokenMetrics } from "../../src/token-metrics";
import { startAuthFixture, type AuthFixture } from "@tollgate/auth-fixture";

export const TOKEN_DATABASE_URL = testDatabaseUrl("tollgate_token_test");

export interface TokenFixture {
  app: Express;
  knex: Knex;
  auth: AuthFixture;
  /** The real billing service the purchases pay at (all prices 0 unless the test sets them). */
  billing: BillingFixture;
  billingClient: BillingClient;
  useCases: TokenUseCases;
  namespace: string;
  tokenTopic: string;
  authTopic: string;
  /** Where billing's events reach this service (the purchase-refunded consumer reads it). */
  billingTopic: string;
  events: EventCollector;
  logLines: string[];
  kafka: KafkaConnection["kafka"];
  producer: KafkaConnection["producer"];
  logger: ReturnType<typeof createLogger>;
  /** The app's registry, as `/metrics` serves it, with the use cases' counters. */
  metrics: ReturnType<typeof createTokenMetrics>;
  close(): Promise<void>;
}

/** The token app in-process against real Postgres and Kafka, with a real auth issuer and a running relay. */
export interface TokenFixtureOptions {
  maxTokensPerUser?: number;
  requireVerifiedEmail?: boolean;
  prices?: PriceList;
  /** PURCHASE_RECOVERY_AFTER_SECONDS. */
  recoverAfterSeconds?: number;
}

export async function startTokenFixture({ maxTokensPerUser = 10, requireVerifiedEmail = false, prices = ZERO_PRICES, recoverAfterSeconds = 30 }: TokenFixtureOptions = {}): Promise<TokenFixture> {
  const capture = new CaptureTransport();
  const logger = createLogger({ service: "token-test", level: "debug", transports: [capture] });
  const knex = await openDatabase({ url: TOKEN_DATABASE_URL, logger, migrations: tokenMigrations });
  await knex("outbox").whereNull("sent_at").update({ sent_at: knex.fn.now() });

  const namespace = uniqueName("tok");
  const tokenTopic = namespacedTopic(namespace, topics.tokenEvents);
  const authTopic = namespacedTopic(namespace, topics.authEvents);
  const billingTopic = namespacedTopic(namespace, topics.billingEvents);
  const { kafka, producer } = await connectKafka({ clientId: "token-test", brokers: testInfra().kafkaBrokers, logger, topics: [tokenTopic, authTopic, billingTopic] });
  // On its own thread, as main.ts runs it.
  const relay = new OutboxRelayThread({
    databaseUrl: TOKEN_DATABASE_URL,
    clientId: "token-test-relay",
    brokers: testInfra().kafkaBrokers,
    service: "token-test",
    logLevel: "warn",
    pollIntervalMs: 100,
    logger,
  });
  relay.start();
  await relay.ready();
  const events = await new EventCollector([tokenTopic]).start();

  const auth = await startAuthFixture();
  const outboxNotifier = new OutboxNotifier({ url: TOKEN_DATABASE_URL, logger });
  const metrics = createTokenMetrics(createHttpMetrics({ defaultMetrics: false }));
  const billing = await startBillingFixture(auth, { prices });
  const client = auth.serviceClient("billing:purchases");
  const billingClient = new BillingClient({
    baseUrl: billing.baseUrl,
    serviceTokens: new ServiceTokenProvider({ authUrl: auth.baseUrl, clientId: client.clientId, clientSecret: client.clientSecret, caller: "the token service" }),
    timeoutMs: 3_000,
    breakerThreshold: 5,
    halfOpenAfterMs: 1_000,
  });
  const useCases = createUseCases(
    { knex, outbox: outboxNotifier, billing: billingClient, logger, activity: metrics.activity },
    { topicNamespace: namespace, maxTokensPerUser, requireVerifiedEmail, idempotencyEncryptionKey: randomBytes(32).toString("base64"), recoverAfterSeconds },
  );
  const app = createApp({ logger, knex, verifier: auth.verifier, useCases, metrics: metrics.http });
  return {
    app,
    knex,
    auth,
    billing,
    billingClient,
    useCases,
    namespace,
    tokenTopic,
    authTopic,
    billingTopic,
    events,
    logLines: capture.lines,
    kafka,
    producer,
    logger,
    metrics,
    async close() {
      await events.stop();
      await outboxNotifier.close();
      await relay.stop({ flushTimeoutMs: 0 });
      await producer.disconnect();
      await billing.close();
      await auth.close();
      await knex.destroy();
    },
  };
}
