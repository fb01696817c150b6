import path from "node:path";
import { createHttpApp, JwksKeyStore, JwtVerifier, requireUser, type HttpMetrics, type Logger, type ReadinessCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Redis } from "ioredis";
import type { Knex } from "knex";
import type { AuthConfig } from "./config";
import { LoginAccountRepository } from "./data/login-account.repository";
import { LoginRecordRepository } from "./data/login-record.repository";
import { LoginThrottleStore } from "./data/login-throttle.store";
import { MfaChallengeStore } from "./data/mfa-challenge.store";
import { OAuthStateStore } from "./data/oauth-state.store";
import { SigningKeyRepository } from "./data/signing-key.repository";
import { ZxcvbnStrengthEstimator } from "./data/zxcvbn-strength.estimator";
import { AccountMailThrottleStore } from "./data/account-mail-throttle.store";
import { AccountSessionRepository } from "./data/account-session.repository";
import { ListSessionsUseCase } from "./domain/list-sessions.use-case";
import { RequestEmailVerificationUseCase } from "./domain/request-email-verification.use-case";
import { RequestPasswordResetUseCase } from "./domain/request-password-reset.use-case";
import { ResetPasswordUseCase } from "./domain/reset-password.use-case";
import { RevokeOtherSessionsUseCase } from "./domain/revoke-other-sessions.use-case";
import { RevokeSessionUseCase } from "./domain/revoke-session.use-case";
import { VerifyEmailUseCase } from "./domain/verify-email.use-case";
import { emailVerificationRouter } from "./http/email-verification.router";
import { passwordResetRouter } from "./http/password-reset.router";
import { sessionsRouter } from "./http/sessions.router";
import { SigningKeyCipher, totpSecretPurpose } from "./domain/signing-key-cipher";
import { repositories, unitOfWork } from "./unit-of-work";
import { AdminEnableUserUseCase } from "./domain/admin-enable-user.use-case";
import { AdminGetUserUseCase } from "./domain/admin-get-user.use-case";
import { AdminListUsersUseCase } from "./domain/admin-list-users.use-case";
import { AdminRevokeSessionsUseCase } from "./domain/admin-revoke-sessions.use-case";
import { AdminSetRoleUseCase } from "./domain/admin-set-role.use-case";
import { untrackedAuthActivity, type AuthActivity } from "./domain/auth-activity.port";
import { ChangePasswordUseCase } from "./domain/change-password.use-case";
import { CountedLoginUseCase } from "./domain/counted-login.use-case";
import { DisableUserUseCase } from "./domain/disable-user.use-case";
import { FindUserByUsernameUseCase } from "./domain/find-user-by-username.use-case";
import { GetCurrentUserUseCase } from "./domain/get-current-user.use-case";
import { IssueServiceTokenUseCase } from "./domain/issue-service-token.use-case";
import { LogoutUseCase } from "./domain/logout.use-case";
import { CompleteMfaLoginUseCase } from "./domain/mfa/complete-mfa-login.use-case";
import { ConfirmTotpUseCase } from "./domain/mfa/confirm-totp.use-case";
import { DisableMfaUseCase } from "./domain/mfa/disable-mfa.use-case";
import { EnrolTotpUseCase } from "./domain/mfa/enrol-totp.use-case";
import { GetMfaStatusUseCase } from "./domain/mfa/get-mfa-status.use-case";
import { RegenerateRecoveryCodesUseCase } from "./domain/mfa/regenerate-recovery-codes.use-case";
import { SecondFactorCheck } from "./domain/mfa/second-factor-check";
import { MFA_CHALLENGE_MAX_ATTEMPTS, SecondFactorChallenges } from "./domain/mfa/second-factor-challenges";
import { CompleteOAuthSignInUseCase } from "./domain/oauth/complete-oauth-sign-in.use-case";
import { ListIdentitiesUseCase } from "./domain/oauth/list-identities.use-case";
import { OAuthAccountResolver } from "./domain/oauth/oauth-account-resolver";
import { OAuthProviders } from "./data/openid-provider.client";
import { RedirectUriAllowList } from "./domain/oauth/redirect-uri-allow-list";
import { OAUTH_STATE_TTL_SECONDS, StartOAuthSignInUseCase } from "./domain/oauth/start-oauth-sign-in.use-case";
import { UnlinkIdentityUseCase } from "./domain/oauth/unlink-identity.use-case";
import { PasswordHasher } from "./domain/password-hasher";
import { PasswordPolicy } from "./domain/password-policy";
import type { PasswordStrengthEstimator } from "./domain/password-strength.port";
import { RefreshSessionUseCase } from "./domain/refresh-session.use-case";
import { RegisterUseCase } from "./domain/register.use-case";
import { SearchAuditLogsUseCase } from "./domain/search-audit-logs.use-case";
import { SessionTokens } from "./domain/session-tokens";
import { TokenSigner } from "./domain/signing-keys";
import { ThrottledPasswordCheck } from "./domain/throttled-password-check";
import { adminRouter } from "./http/admin.router";
import { authRouter } from "./http/auth.router";
import { identitiesRouter } from "./http/identities.router";
import { jwksRouter } from "./http/jwks.router";
import { mfaRouter } from "./http/mfa.router";
import { oauthRouter } from "./http/oauth.router";
import { userLookupRouter } from "./http/user-lookup.router";
import { usersRouter } from "./http/users.router";

export type AppConfig = Omit<AuthConfig, "NODE_ENV" | "LOG_LEVEL" | "HOST" | "PORT" | "DATABASE_URL" | "REDIS_URL" | "KAFKA_BROKERS" | "KAFKA_CLIENT_ID" | "INSTANCE_ID" | "SHUTDOWN_TIMEOUT_MS">;

/** What the use cases talk to. main.ts passes real clients; tests pass the same kinds. */
export interface AuthClients {
  knex: Knex;
  redis: Redis;
  logger: Logger;
  /**
   * zxcvbn on its worker thread, started by the caller at start-up (it loads its dictionaries
   * once) and closed at shutdown. When absent, createUseCases starts its own, which nothing closes
   * (it does not keep the process alive).
   */
  passwordStrength?: PasswordStrengthEstimator;
  /** argon2id hashing; built from the config's ARGON2_* when absent (tests pass one that counts verifications). */
  hasher?: PasswordHasher;
  /** What the use cases count (`createAuthMetrics`). */
  activity?: AuthActivity;
  /** The service's registry: the sign-in providers' breakers are exposed on it. */
  registry?: HttpMetrics["registry"];
}

/** The service's settings: the validated config (without what only main.ts uses) and the namespaced `tollgate.auth-events` topic. */
export interface AuthSettings {
  config: AppConfig;
  authEventsTopic: string;
}

/** What the HTTP app needs: the use cases, the clients its readiness checks, and its operational hooks. */
export interface AuthAppDeps {
  logger: Logger;
  knex: Knex;
  redis: Redis;
  useCases: AuthUseCases;
  /** TRUST_PROXY. */
  trustProxy: string;
  /** HTTP_BODY_LIMIT. */
  bodyLimit: string;
  metrics?: HttpMetrics;
  isShuttingDown?: () => boolean;
  /** More readiness checks, beside Postgres and Redis (main.ts adds the event consumer's, as degrading only). */
  readiness?: Record<string, ReadinessCheck>;
}

/** Signing-key access shared by the app and the key-rotation command. */
type KeyConfig = Pick<AppConfig, "ACCESS_TOKEN_TTL_SECONDS" | "SERVICE_TOKEN_TTL_SECONDS" | "SIGNING_KEY_CACHE_SECONDS" | "SIGNING_KEY_ACTIVATION_DELAY_SECONDS" | "SIGNING_KEYS_ENCRYPTION_KEYS">;

/** A retired key must outlive every token it signed: the longest lifetime, plus instances' key cache, plus clock slack. */
export function retiredKeyRetentionSeconds(config: KeyConfig): number {
  return Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.SERVICE_TOKEN_TTL_SECONDS) + config.SIGNING_KEY_CACHE_SECONDS + 60;
}

export function createTokenSigner(knex: Knex, config: KeyConfig): TokenSigner {
  return new TokenSigner(new SigningKeyRepository(knex, new SigningKeyCipher(config.SIGNING_KEYS_ENCRYPTION_KEYS)), {
    keepRetiredSeconds: retiredKeyRetentionSeconds(config),
    cacheSeconds: config.SIGNING_KEY_CACHE_SECONDS,
    activationDelaySeconds: config.SIGNING_KEY_ACTIVATION_DELAY_SECONDS,
  });
}

export function trustProxySetting(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The use cases, built once from the clients and settings; the routers share them. */
export type AuthUseCases = ReturnType<typeof createUseCases>;

export function createUseCases(clients: AuthClients, settings: AuthSettings) {
  const { config } = settings;
  const { knex, logger } = clients;
  const activity = clients.activity ?? untrackedAuthActivity;
  const repos = repositories(knex, settings.authEventsTopic, activity);
  const uow = unitOfWork(knex, settings.authEventsTopic, activity);
  const hasher = clients.hasher ?? new PasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM, maxConcurrency: config.ARGON2_MAX_CONCURRENCY });
  const policy = new PasswordPolicy(clients.passwordStrength ?? new ZxcvbnStrengthEstimator());
  const signer = createTokenSigner(knex, config);
  const tokens = new SessionTokens(signer, {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    serviceTokenTtlSeconds: config.SERVICE_TOKEN_TTL_SECONDS,
  });
  const redisPrefix = config.REDIS_KEY_NAMESPACE ? `auth:${config.REDIS_KEY_NAMESPACE}:` : "auth:";
  const throttle = config.LOGIN_THROTTLE_ENABLED
    ? new LoginThrottleStore(clients.redis, {
        accountMaxFailures: config.LOGIN_ACCOUNT_MAX_FAILURES,
        accountWindowSeconds: config.LOGIN_ACCOUNT_WINDOW_SECONDS,
        ipMaxFailures: config.LOGIN_IP_MAX_FAILURES,
        ipWindowSeconds: config.LOGIN_IP_WINDOW_SECONDS,
        lockoutMaxSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
      }, redisPrefix)
    : undefined;
  const passwordCheck = new ThrottledPasswordCheck({ hasher, limiter: throttle });
  const logins = new LoginRecordRepository(knex);
  const oauthProviders = new OAuthProviders(config.OAUTH_PROVIDERS, { timeoutMs: config.OAUTH_HTTP_TIMEOUT_MS, registry: clients.registry });
  const oauthStates = new OAuthStateStore(clients.redis, OAUTH_STATE_TTL_SECONDS, redisPrefix);
  // TOTP secrets are sealed like the signing keys, under the same keys, bound to their own purpose.
  const totpSecrets = new SigningKeyCipher(config.SIGNING_KEYS_ENCRYPTION_KEYS, totpSecretPurpose);
  const mfaChallenges = new MfaChallengeStore(clients.redis, { ttlSeconds: config.MFA_CHALLENGE_TTL_SECONDS, maxAttempts: MFA_CHALLENGE_MAX_ATTEMPTS }, redisPrefix);
  const secondFactor = new SecondFactorChallenges({ repos, challenges: mfaChallenges });
  const secondFactorCheck = new SecondFactorCheck({ repos, secrets: totpSecrets, limiter: throttle, logger });
  // The auth service verifies its own tokens with the same verifier as everyone else, reading
  // the JWKS from its database instead of over HTTP; sessions are checked in the database.
  const verifier = new JwtVerifier({
    keys: new JwksKeyStore({ fetchJwks: () => signer.jwks(), minRefetchIntervalMs: Math.min(1_000, config.SIGNING_KEY_ACTIVATION_DELAY_SECONDS * 1000), maxAgeMs: 60_000 }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
  const revocations = { isRevoked: (claims: { sid?: string }) => (claims.sid ? repos.sessions.isRevoked(claims.sid) : true) };
  const mailLimiter = new AccountMailThrottleStore(clients.redis, { addressMax: config.ACCOUNT_MAIL_ADDRESS_MAX, ipMax: config.ACCOUNT_MAIL_IP_MAX, windowSeconds: config.ACCOUNT_MAIL_WINDOW_SECONDS }, redisPrefix);
  return {
    signer,
    /** Who a bearer token speaks for, and whether its session is still alive. */
    accessTokens: { verifier, revocations },
    auth: {
      register: new RegisterUseCase({ uow, hasher, policy }),
      login: new CountedLoginUseCase({ repos, accounts: new LoginAccountRepository(knex), logins, hasher, passwordCheck, tokens, sessionMaxLifetimeSeconds: config.SESSION_MAX_LIFETIME_SECONDS, logger, secondFactor }, activity),
      refresh: new RefreshSessionUseCase({ uow, repos, tokens, graceSeconds: config.REFRESH_GRACE_SECONDS, idleTimeoutSeconds: config.SESSION_IDLE_TIMEOUT_SECONDS, logger }),
      logout: new LogoutUseCase({ uow }),
      serviceToken: new IssueServiceTokenUseCase({ clients: config.SERVICE_CLIENTS, tokens }),
    },
    oauth: {
      start: new StartOAuthSignInUseCase({ providers: oauthProviders, redirectUris: new RedirectUriAllowList(config.OAUTH_REDIRECT_URIS), states: oauthStates }),
      complete: new CompleteOAuthSignInUseCase({ providers: oauthProviders, states: oauthStates, accounts: new OAuthAccountResolver({ uow }), logins, tokens, sessionMaxLifetimeSeconds: config.SESSION_MAX_LIFETIME_SECONDS, logger, secondFactor }),
    },
    mfa: {
      status: new GetMfaStatusUseCase({ repos }),
      enrol: new EnrolTotpUseCase({ repos, secrets: totpSecrets, issuer: config.MFA_TOTP_ISSUER }),
      confirm: new ConfirmTotpUseCase({ repos, uow, secrets: totpSecrets }),
      disable: new DisableMfaUseCase({ repos, uow, check: secondFactorCheck }),
      regenerateRecoveryCodes: new RegenerateRecoveryCodesUseCase({ repos, uow, check: secondFactorCheck }),
      completeLogin: new CompleteMfaLoginUseCase({ repos, challenges: mfaChallenges, check: secondFactorCheck, logins, tokens, sessionMaxLifetimeSeconds: config.SESSION_MAX_LIFETIME_SECONDS, logger, activity }),
    },
    identities: { listIdentities: new ListIdentitiesUseCase({ repos }), unlinkIdentity: new UnlinkIdentityUseCase({ uow }) },
    users: { getCurrentUser: new GetCurrentUserUseCase({ repos }), changePassword: new ChangePasswordUseCase({ uow, repos, hasher, policy, passwordCheck }) },
    sessions: {
      listSessions: new ListSessionsUseCase({ sessions: new AccountSessionRepository(knex), idleTimeoutSeconds: config.SESSION_IDLE_TIMEOUT_SECONDS }),
      revokeSession: new RevokeSessionUseCase({ uow }),
      revokeOtherSessions: new RevokeOtherSessionsUseCase({ uow }),
    },
    emailVerification: { requestEmailVerification: new RequestEmailVerificationUseCase({ uow, repos, limiter: mailLimiter }), verifyEmail: new VerifyEmailUseCase({ uow }) },
    passwordReset: { requestPasswordReset: new RequestPasswordResetUseCase({ uow, repos, limiter: mailLimiter }), resetPassword: new ResetPasswordUseCase({ uow, repos, hasher, policy }) },
    userLookup: { findUserByUsername: new FindUserByUsernameUseCase({ users: repos.users }) },
    admin: {
      listUsers: new AdminListUsersUseCase({ repos }),
      getUser: new AdminGetUserUseCase({ repos }),
      disableUser: new DisableUserUseCase({ uow }),
      enableUser: new AdminEnableUserUseCase({ uow }),
      setRole: new AdminSetRoleUseCase({ uow }),
      revokeSessions: new AdminRevokeSessionsUseCase({ uow }),
      searchAuditLogs: new SearchAuditLogsUseCase({ repos }),
    },
  };
}

/** Builds the express app from the use cases; never listens, never reads the environment. */
export function createApp(deps: AuthAppDeps): Express {
  const { useCases } = deps;
  const userOnly = requireUser(useCases.accessTokens);
  const adminOnly = requireUser({ ...useCases.accessTokens, role: "admin" });
  return createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics,
    isShuttingDown: deps.isShuttingDown,
    trustProxy: trustProxySetting(deps.trustProxy),
    jsonBodyLimit: deps.bodyLimit,
    readiness: {
      postgres: async () => {
        await deps.knex.raw("SELECT 1");
      },
      redis: async () => {
        await deps.redis.ping();
      },
      ...deps.readiness,
    },
    openapi: {
      title: "Tollgate auth service",
      version: "1.0.0",
      description: "Accounts, sessions with rotating refresh tokens, JWKS, service credentials and the audit log.",
      apis: [path.join(__dirname, "http", "*.router.{ts,js}")],
      tags: {
        auth: "Register, log in, rotate refresh tokens, log out",
        oauth: "Sign in with, link and unlink external providers",
        users: "The authenticated user's account",
        admin: "Administrators: users (list, read, disable, enable, role), their sessions, the audit log",
        keys: "The keys that verify Tollgate's JWTs",
        services: "Service-to-service credentials",
      },
    },
    routes: (app) => {
      app.use(jwksRouter({ signer: useCases.signer }));
      app.use(authRouter({ ...useCases.auth, requireUser: userOnly }));
      app.use(oauthRouter({ ...useCases.oauth, requireUser: userOnly }));
      app.use(mfaRouter({ ...useCases.mfa, requireUser: userOnly }));
      app.use(identitiesRouter({ ...useCases.identities, requireUser: userOnly }));
      app.use(usersRouter({ ...useCases.users, requireUser: userOnly }));
      app.use(sessionsRouter({ ...useCases.sessions, requireUser: userOnly }));
      app.use(emailVerificationRouter({ ...useCases.emailVerification, requireUser: userOnly }));
      app.use(passwordResetRouter(useCases.passwordReset));
      app.use(userLookupRouter({ ...useCases.userLookup, requireUser: userOnly }));
      app.use(adminRouter({ ...useCases.admin, requireAdmin: adminOnly }));
    },
  });
}
