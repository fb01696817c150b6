import { randomUUID } from "node:crypto";
import type { LoginRequest, TokenPairResponse } from "@tollgate/contracts";
import { RateLimitedError, type Logger } from "@tollgate/service-kit";
import { auditActions } from "../data/audit-log.repository";
import type { LoginThrottleStore } from "../data/login-throttle.store";
import type { LoginRecordRepository } from "../data/login-record.repository";
import type { Repositories } from "../data/unit-of-work";
import { accountDisabledError, invalidCredentialsError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import { newRefreshToken, tokenSha256 } from "./refresh-token";
import type { ClientInfo, SessionTokens } from "./session-tokens";

export interface LoginDeps {
  repos: Repositories;
  logins: LoginRecordRepository;
  hasher: PasswordHasher;
  tokens: SessionTokens;
  /** Undefined only when throttling is switched off by config (never in production). */
  throttle: LoginThrottleStore | undefined;
  sessionMaxLifetimeSeconds: number;
  logger: Logger;
}

export class LoginUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: LoginDeps) {
    this.log = deps.logger.child({ component: "login" });
  }

  async execute(input: LoginRequest, client: ClientInfo): Promise<TokenPairResponse> {
    const { repos, throttle } = this.deps;
    const user = await repos.users.findByLogin(input.login);
    // Known accounts are counted by id (e-mail and username share one budget); unknown ones by the login typed.
    const accountKey = user ? `user:${user.id}` : `login:${input.login.toLowerCase()}`;
    const ip = client.ip ?? "unknown";
    const verdict = await throttle?.check(accountKey, ip);
    if (verdict?.block) throw new RateLimitedError(verdict.block.retryAfterSeconds, "too many failed logins, try again later");

    // An account without a password (created through a sign-in provider) is checked against the
    // dummy hash like an unknown one: same time, same answer.
    const valid = await this.deps.hasher.verify(user?.passwordHash ?? undefined, input.password);
    if (!user || !valid) {
      const outcome = await throttle?.recordFailure(accountKey, ip);
      await repos.audit.record({ userId: user?.id ?? null, action: auditActions.loginFailure, ip: client.ip, userAgent: client.userAgent, details: { known_account: user !== undefined } });
      for (const lock of outcome?.locks ?? []) {
        this.log.warn("login locked", { scope: lock.scope, user_id: user?.id, retry_after_seconds: lock.retryAfterSeconds });
        await repos.audit.record({ userId: user?.id ?? null, action: auditActions.lockout, ip: client.ip, userAgent: client.userAgent, details: { ...lock } });
      }
      throw invalidCredentialsError();
    }
    if (user.disabledAt) throw accountDisabledError();
    // Most logins have no failures on record: skip the reset's round trip for them.
    if (verdict?.failuresOnRecord) await throttle?.recordSuccess(accountKey);

    const refreshToken = newRefreshToken();
    const sessionId = randomUUID();
    const now = new Date();
    await this.deps.logins.record({
      sessionId,
      userId: user.id,
      firstTokenSha256: tokenSha256(refreshToken),
      expiresAt: new Date(now.getTime() + this.deps.sessionMaxLifetimeSeconds * 1000),
      at: now,
      client,
    });
    if (user.passwordHash && this.deps.hasher.needsRehash(user.passwordHash)) {
      await repos.users.updatePassword(user.id, await this.deps.hasher.hash(input.password), now);
    }
    this.log.info("login", { user_id: user.id, session_id: sessionId });
    return this.deps.tokens.pair({ ...user, lastLoginAt: now }, sessionId, refreshToken);
  }
}
