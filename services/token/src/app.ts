import { createHttpApp, type HttpMetrics, type JwtVerifier, type Logger, type OutboxNotifier, type RevocationCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Knex } from "knex";
import path from "node:path";
import { AccessTokenRepository } from "./data/access-token.repository";
import { AdminListTokensUseCase } from "./domain/admin-list-tokens.use-case";
import { AdminRevokeTokenUseCase } from "./domain/admin-revoke-token.use-case";
import { PurchaseTokenUseCase } from "./domain/purchase-token.use-case";
import { ReadTokensUseCase } from "./domain/read-tokens.use-case";
import { RevokeTokenUseCase } from "./domain/revoke-token.use-case";
import type { TokenActivity } from "./domain/token-activity.port";
import { ValidateTokenUseCase } from "./domain/validate-token.use-case";
import { adminTokensRouter } from "./http/admin-tokens.router";
import { internalRouter } from "./http/internal.router";
import { tokensRouter } from "./http/tokens.router";
import { TokenEventsPublisher } from "./messaging/token-events.publisher";

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

/** The use cases, built once from the database and the event namespace; consumers share them. */
export type TokenUseCases = ReturnType<typeof createTokenUseCases>;

export function createTokenUseCases(knex: Knex, outbox: OutboxNotifier, topicNamespace: string, maxTokensPerUser: number, activity?: TokenActivity, policy: { requireVerifiedEmail?: boolean } = {}) {
  const tokens = new AccessTokenRepository(knex, outbox);
  const events = new TokenEventsPublisher(topicNamespace);
  return {
    purchase: new PurchaseTokenUseCase(tokens, maxTokensPerUser, activity, policy.requireVerifiedEmail),
    read: new ReadTokensUseCase(tokens),
    revoke: new RevokeTokenUseCase(tokens, events, activity),
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
