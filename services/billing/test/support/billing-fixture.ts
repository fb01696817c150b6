import { durationHoursValues, topics } from "@tollgate/contracts";
import { createHttpMetrics, createLogger, namespacedTopic, openDatabase, OutboxRelayThread } from "@tollgate/service-kit";
import { CaptureTransport, EventCollector, testDatabaseUrl, testInfra, uniqueName } from "@tollgate/test-harness";
import { startAuthFixture, type AuthFixture } from "@tollgate/auth-fixture";
import type { Express } from "express";
import type { Knex } from "knex";
import { randomBytes } from "node:crypto";
import { createApp, createUseCases, type BillingUseCases } from "../../src/app";
import { createBillingMetrics } from "../../src/billing-metrics";
import type { PriceEntry } from "../../src/domain/price";
import { StripeCheckout } from "../../src/data/stripe-checkout";
import { billingMigrations } from "../../src/migrations";
import { StripeStub } from "./stripe-stub";

export const BILLING_DATABASE_URL = testDatabaseUrl("tollgate_billing_test");

export interface BillingFixture {
  app: Express;
  knex: Knex;
  auth: AuthFixture;
  useCases: BillingUseCases;
  /** This fixture's own currency (three random letters), so test files running at once never share a price list. */
  currency: string;
  billingTopic: string;
  events: EventCollector;
  logLines: string[];
  metrics: ReturnType<typeof createBillingMetrics>;
  /** The stubbed Stripe API behind card top-ups. */
  stripe: StripeStub;
  /** The webhook endpoint's signing secret (drawn per fixture). */
  webhookSecret: string;
  close(): Promise<void>;
}

export interface BillingFixtureOptions {
  /** Unit amount per duration (minor units); every duration costs `defaultPrice` unless named. */
  prices?: Partial<Record<PriceEntry["durationHours"], number>>;
  defaultPrice?: number;
  production?: boolean;
  /** Card top-ups and webhooks configured (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET); on by default. */
  payments?: boolean;
}

const randomCurrency = (): string => Array.from({ length: 3 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

/** The billing app in-process against real Postgres and Kafka, with a real auth issuer and a running relay. */
export async function startBillingFixture(options: BillingFixtureOptions = {}): Promise<BillingFixture> {
  const capture = new CaptureTransport();
  const logger = createLogger({ service: "billing-test", level: "debug", transports: [capture] });
  const knex = await openDatabase({ url: BILLING_DATABASE_URL, logger, migrations: billingMigrations });
  await knex("outbox").whereNull("sent_at").update({ sent_at: knex.fn.now() });

  const currency = randomCurrency();
  const namespace = uniqueName("bill");
  const billingTopic = namespacedTopic(namespace, topics.billingEvents);
  const relay = new OutboxRelayThread({ databaseUrl: BILLING_DATABASE_URL, clientId: "billing-test-relay", brokers: testInfra().kafkaBrokers, service: "billing-test", logLevel: "warn", pollIntervalMs: 100, logger });
  relay.start();
  await relay.ready();
  const events = await new EventCollector([billingTopic]).start();
  const auth = await startAuthFixture();

  const metrics = createBillingMetrics(createHttpMetrics({ defaultMetrics: false }));
  const stripe = await new StripeStub().start();
  const payments = options.payments ?? true;
  const webhookSecret = `whsec_${randomBytes(16).toString("hex")}`;
  const paymentProvider = payments ? new StripeCheckout(stripe.client(), { successUrl: "http://127.0.0.1:8080/paid", cancelUrl: "http://127.0.0.1:8080/cancelled" }) : undefined;
  const useCases = createUseCases({ knex, logger, paymentProvider, activity: metrics.activity }, { topicNamespace: namespace, currency, topUpMinAmount: 100, topUpMaxAmount: 100_000 });
  const entries = durationHoursValues.map((durationHours) => ({ durationHours, unitAmount: options.prices?.[durationHours] ?? options.defaultPrice ?? 0 }));
  // Always a fresh version: a currency drawn again in a later run must not inherit that run's admin prices.
  await knex.transaction((tx) => useCases.prices.addVersion(tx, { currency, source: "config", createdBy: null, entries }));
  const app = createApp({
    logger,
    knex,
    verifier: auth.verifier,
    useCases,
    production: options.production ?? false,
    webhookSecret: payments ? webhookSecret : undefined,
    activity: metrics.activity,
    metrics: metrics.http,
  });
  return {
    app,
    knex,
    auth,
    useCases,
    currency,
    billingTopic,
    events,
    logLines: capture.lines,
    metrics,
    stripe,
    webhookSecret,
    async close() {
      await stripe.stop();
      await events.stop();
      await relay.stop({ flushTimeoutMs: 0 });
      await auth.close();
      await knex.destroy();
    },
  };
}

/** Sum of every entry of the ledger for this currency: zero, or money appeared from nowhere. */
export async function ledgerSum(knex: Knex, currency: string): Promise<number> {
  const [row] = await knex("ledger_entries").where({ currency }).sum<{ sum: string | null }[]>("amount as sum");
  return Number(row?.sum ?? 0);
}

/** The wallet's kept balance and the sum of its ledger account's entries, which must agree. */
export async function walletAgainstLedger(knex: Knex, userId: string, currency: string): Promise<{ balance: number; ledger: number }> {
  const wallet = await knex("wallets").where({ user_id: userId, currency }).first<{ balance: string } | undefined>("balance");
  const [row] = await knex("ledger_entries").where({ account: `wallet:${userId}:${currency}` }).sum<{ sum: string | null }[]>("amount as sum");
  return { balance: Number(wallet?.balance ?? 0), ledger: Number(row?.sum ?? 0) };
}
