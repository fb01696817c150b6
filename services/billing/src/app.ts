import { createHttpApp, jsonBody, type HttpMetrics, type JwtVerifier, type Logger, type RevocationCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Knex } from "knex";
import path from "node:path";
import { IdempotencyRepository } from "./data/idempotency.repository";
import { LedgerRepository } from "./data/ledger.repository";
import { PriceRepository } from "./data/price.repository";
import { PurchaseRepository } from "./data/purchase.repository";
import { TopUpRepository } from "./data/top-up.repository";
import { KnexUnitOfWork } from "./data/unit-of-work";
import { AdminBillingUseCase } from "./domain/admin-billing.use-case";
import { untrackedBillingActivity, type BillingActivity } from "./domain/billing-activity.port";
import { CheckoutTopUpUseCase } from "./domain/checkout-top-up.use-case";
import { DebitPurchaseUseCase } from "./domain/debit-purchase.use-case";
import { DevelopmentTopUpUseCase } from "./domain/development-top-up.use-case";
import { IdempotentRequests } from "./domain/idempotent-requests";
import { MoneyMover } from "./domain/money-mover";
import type { PaymentProvider } from "./domain/payment-provider.port";
import { ReadBillingUseCase } from "./domain/read-billing.use-case";
import { RefundPurchaseUseCase } from "./domain/refund-purchase.use-case";
import { StripeWebhookUseCase } from "./domain/stripe-webhook.use-case";
import { adminBillingRouter } from "./http/admin-billing.router";
import { billingRouter } from "./http/billing.router";
import { internalPurchasesRouter } from "./http/internal-purchases.router";
import { topUpReturnRouter } from "./http/top-up-return.router";
import { topUpRequestComponent } from "./http/top-up-request";
import { topUpsRouter } from "./http/top-ups.router";
import { webhooksRouter } from "./http/webhooks.router";
import { BillingEventsPublisher } from "./messaging/billing-events.publisher";

/** What the HTTP app needs: the use cases, the verifier of user access tokens, and its operational hooks. */
export interface BillingAppDeps {
  logger: Logger;
  knex: Knex;
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  useCases: BillingUseCases;
  /** The development top-up route exists unless NODE_ENV is production. */
  production: boolean;
  /** STRIPE_WEBHOOK_SECRET; the webhook answers 503 without it. */
  webhookSecret?: string;
  activity?: BillingActivity;
  bodyLimit?: string;
  metrics?: HttpMetrics;
  isShuttingDown?: () => boolean;
  readiness?: Record<string, () => Promise<unknown>>;
}

/** What the use cases talk to. main.ts passes real clients; tests pass the same kinds. */
export interface BillingClients {
  knex: Knex;
  logger: Logger;
  /** Stripe Checkout, when STRIPE_SECRET_KEY is set; card top-ups answer 503 without it. */
  paymentProvider?: PaymentProvider;
  activity?: BillingActivity;
}

/** How money is kept; main.ts sets every field from config. */
export interface BillingSettings {
  /** KAFKA_TOPIC_NAMESPACE ("" in production). */
  topicNamespace: string;
  /** PRICE_CURRENCY: what everything is sold and topped up in. */
  currency: string;
  /** TOP_UP_MIN_AMOUNT / TOP_UP_MAX_AMOUNT: the range of a top-up (card or development), minor units. */
  topUpMinAmount: number;
  topUpMaxAmount: number;
}

/** The use cases, built once from the clients and settings; the HTTP app shares them. */
export type BillingUseCases = ReturnType<typeof createUseCases>;

export function createUseCases(clients: BillingClients, settings: BillingSettings) {
  const { knex } = clients;
  const activity = clients.activity ?? untrackedBillingActivity;
  const logger = clients.logger;
  const purchases = new PurchaseRepository(knex);
  const prices = new PriceRepository(knex);
  const ledger = new LedgerRepository(knex);
  const topUps = new TopUpRepository(knex);
  const events = new BillingEventsPublisher(settings.topicNamespace);
  const unitOfWork = new KnexUnitOfWork(knex);
  const money = new MoneyMover(ledger, events);
  const idempotency = new IdempotentRequests(unitOfWork, new IdempotencyRepository(knex));
  const refund = new RefundPurchaseUseCase(unitOfWork, purchases, ledger, money, events, settings.currency, logger.child({ component: "refunds" }), activity);
  const read = new ReadBillingUseCase(purchases, prices, ledger, settings.currency);
  const topUpBounds = { minAmount: settings.topUpMinAmount, maxAmount: settings.topUpMaxAmount };
  return {
    topUpPolicy: { currency: settings.currency, ...topUpBounds },
    prices,
    debit: new DebitPurchaseUseCase(unitOfWork, purchases, prices, ledger, money, settings.currency, activity),
    refund,
    read,
    developmentTopUp: new DevelopmentTopUpUseCase(unitOfWork, idempotency, topUps, money, settings.currency, topUpBounds, activity),
    checkout: new CheckoutTopUpUseCase(idempotency, topUps, clients.paymentProvider, { currency: settings.currency, ...topUpBounds }, logger.child({ component: "top-ups" })),
    webhook: new StripeWebhookUseCase(unitOfWork, topUps, money, logger.child({ component: "stripe-webhook" }), activity),
    admin: new AdminBillingUseCase(unitOfWork, idempotency, purchases, prices, money, read, refund, settings.currency, logger.child({ component: "admin-billing" }), activity),
  };
}

export function createApp(deps: BillingAppDeps): Express {
  const { useCases } = deps;
  return createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics,
    // JSON bodies are parsed below, after the webhook route, which needs its body raw to verify the signature.
    jsonBodyLimit: false,
    isShuttingDown: deps.isShuttingDown,
    readiness: { database: () => deps.knex.raw("SELECT 1"), ...deps.readiness },
    openapi: {
      title: "Tollgate billing service",
      version: "1.0.0",
      description: "Money: prices, wallets on a double-entry ledger, card top-ups through Stripe Checkout, purchase debits and refunds for the token service.",
      apis: [path.join(__dirname, "http", "*.router.{ts,js}")],
      // The configured TOP_UP_MIN_AMOUNT / TOP_UP_MAX_AMOUNT, not the contracts' widest bounds.
      components: { TopUpRequest: topUpRequestComponent(useCases.topUpPolicy) },
      tags: {
        billing: "Prices, my wallet, its transactions, receipts and top-ups",
        purchases: "The token service's debits and refunds of purchases (service token, scope billing:purchases)",
        admin: "Administrators: any user's wallet and transactions, adjustments, refunds, price versions",
      },
    },
    routes: (app) => {
      app.use("/billing/top-ups", topUpReturnRouter());
      app.use(webhooksRouter({ webhook: useCases.webhook, webhookSecret: deps.webhookSecret, activity: deps.activity ?? untrackedBillingActivity, logger: deps.logger }));
      app.use(jsonBody(deps.bodyLimit ?? "16kb"));
      app.use("/api/v1/billing", topUpsRouter({ verifier: deps.verifier, revocations: deps.revocations, checkout: useCases.checkout, policy: useCases.topUpPolicy }));
      app.use("/api/v1/billing", billingRouter({ verifier: deps.verifier, revocations: deps.revocations, read: useCases.read, topUpPolicy: useCases.topUpPolicy, developmentTopUp: deps.production ? undefined : useCases.developmentTopUp }));
      app.use("/internal/v1/purchases", internalPurchasesRouter({ verifier: deps.verifier, debit: useCases.debit, refund: useCases.refund, read: useCases.read }));
      app.use("/api/v1/admin/billing", adminBillingRouter({ verifier: deps.verifier, revocations: deps.revocations, admin: useCases.admin, read: useCases.read }));
    },
  });
}
