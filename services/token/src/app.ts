import { randomBytes } from "node:crypto";
import { createHttpApp, createLogger, type HttpMetrics, type JwtVerifier, type Logger, type OutboxNotifier, type RevocationCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Knex } from "knex";
import path from "node:path";
import { AccessTokenRepository } from "./data/access-token.repository";
import { PurchaseRepository } from "./data/purchase.repository";
import { TokenRefundRepository } from "./data/token-refund.repository";
import { AdminListTokensUseCase } from "./domain/admin-list-tokens.use-case";
import { AdminRevokeTokenUseCase } from "./domain/admin-revoke-token.use-case";
import type { BillingGateway } from "./domain/billing.port";
import type { CrashHook } from "./domain/crash-point";
import { PurchaseTokenUseCase } from "./domain/purchase-token.use-case";
import { RecoverPurchasesUseCase } from "./domain/recover-purchases.use-case";
import { RefundTokenUseCase } from "./domain/refund-token.use-case";
import { RevokeRefundedPurchaseUseCase } from "./domain/revoke-refunded-purchase.use-case";
import { ResponseSealer } from "./domain/response-sealer";
import { ReadTokensUseCase } from "./domain/read-tokens.use-case";
import { RevokeTokenUseCase } from "./domain/revoke-token.use-case";
import type { TokenActivity } from "./domain/token-activity.port";
import { ValidateTokenUseCase } from "./domain/validate-token.use-case";
import { adminTokensRouter } from "./http/admin-tokens.router";
import { internalRouter } from "./http/internal.router";
import { tokensRouter } from "./http/tokens.router";
import { TokenEventsPublisher } from "./messaging/token-events.publisher";

/** What the HTTP app needs: the use cases, the verifier of user access tokens, and its operational hooks. */
export interface TokenAppDeps {
  logger: Logger;
  knex: Knex;
  verifier: JwtVerifier;
  revocations?: RevocationCheck;
  useCases: TokenUseCases;
  bodyLimit?: string;
  metrics?: HttpMetrics;
  isShuttingDown?: () => boolean;
  readiness?: Record<string, () => Promise<unknown>>;
}

/** The use cases, built once from the clients and settings; the HTTP app and the consumers share them. */
export type TokenUseCases = ReturnType<typeof createUseCases>;

/** What the use cases talk to. main.ts passes real clients; tests pass the same kinds. */
export interface TokenClients {
  knex: Knex;
  /** Wakes the outbox relay after a commit. */
  outbox: OutboxNotifier;
  /** The billing service's client. Absent: every price is 0 (see `unpricedBilling`). */
  billing?: BillingGateway;
  logger?: Logger;
  activity?: TokenActivity;
}

/** How tokens are sold and settled; main.ts sets every field from config. */
export interface TokenSettings {
  /** KAFKA_TOPIC_NAMESPACE ("" in production). */
  topicNamespace: string;
  /** MAX_TOKENS_PER_USER: tokens held (pending or active) per user. */
  maxTokensPerUser: number;
  requireVerifiedEmail?: boolean;
  /** IDEMPOTENCY_ENCRYPTION_KEY. Absent: a random key of this process's own (replays do not survive a restart). */
  idempotencyEncryptionKey?: string;
  /** PURCHASE_RECOVERY_AFTER_SECONDS (default 30). */
  recoverAfterSeconds?: number;
  /** PURCHASE_CRASH_POINT (NODE_ENV=test only). */
  crash?: CrashHook;
}

/**
 * For packages that embed the token app without a billing service (the proxy's component tests):
 * every purchase costs 0 and nothing is refunded. main.ts always passes the real BillingClient.
 */
export const unpricedBilling: BillingGateway = {
  debit: () => Promise.resolve({ amount: 0, currency: "usd", priceId: "00000000-0000-4000-8000-000000000000" }),
  refund: () => Promise.resolve({ status: "cancelled", amount: 0, currency: "usd", refundId: null }),
};

export function createUseCases(clients: TokenClients, settings: TokenSettings) {
  const { knex, outbox, activity } = clients;
  const tokens = new AccessTokenRepository(knex, outbox);
  const purchases = new PurchaseRepository(knex);
  const refunds = new TokenRefundRepository(knex);
  const events = new TokenEventsPublisher(settings.topicNamespace);
  const billing = clients.billing ?? unpricedBilling;
  const sealer = new ResponseSealer(settings.idempotencyEncryptionKey ?? randomBytes(32).toString("base64"));
  const refund = new RefundTokenUseCase(tokens, refunds, billing, events, activity);
  return {
    purchase: new PurchaseTokenUseCase({ tokens, purchases, billing, events, sealer, outbox, maxLiveTokensPerUser: settings.maxTokensPerUser, activity, requireVerifiedEmail: settings.requireVerifiedEmail, crash: settings.crash }),
    refund,
    recover: new RecoverPurchasesUseCase({
      tokens,
      purchases,
      refunds,
      refundToken: refund,
      billing,
      logger: clients.logger ?? createLogger({ service: "token", level: "warn" }),
      recoverAfterSeconds: settings.recoverAfterSeconds ?? 30,
      activity,
    }),
    read: new ReadTokensUseCase(tokens),
    revoke: new RevokeTokenUseCase(tokens, events, activity),
    revokeRefunded: new RevokeRefundedPurchaseUseCase(tokens, events, activity),
    validate: new ValidateTokenUseCase(tokens, events, activity),
    adminList: new AdminListTokensUseCase(tokens, events),
    adminRevoke: new AdminRevokeTokenUseCase(tokens, events, activity),
  };
}

export function createApp(deps: TokenAppDeps): Express {
  const { useCases } = deps;
  return createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics,
    jsonBodyLimit: deps.bodyLimit ?? "16kb",
    isShuttingDown: deps.isShuttingDown,
    readiness: { database: () => deps.knex.raw("SELECT 1"), ...deps.readiness },
    openapi: {
      title: "Tollgate token service",
      version: "1.0.0",
      description: "Access tokens for the gated upstream: purchase, list, revoke; internal validation for the proxy.",
      apis: [path.join(__dirname, "http", "*.router.{ts,js}")],
      tags: { tokens: "Access tokens for the gated application: buy, list, revoke; validation for the proxy", admin: "Administrators: any user's tokens (list, revoke)" },
    },
    routes: (app) => {
      app.use("/api/v1/tokens", tokensRouter({ verifier: deps.verifier, revocations: deps.revocations, ...useCases }));
      app.use("/internal/v1/tokens", internalRouter({ verifier: deps.verifier, validate: useCases.validate }));
      app.use(adminTokensRouter({ verifier: deps.verifier, revocations: deps.revocations, adminList: useCases.adminList, adminRevoke: useCases.adminRevoke }));
    },
  });
}
