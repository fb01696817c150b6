import { randomUUID } from "node:crypto";
import type { LoginRequest, TokenPairResponse } from "@tollgate/contracts";
import type { AppError, Logger } from "@tollgate/service-kit";
import { auditActions } from "../data/audit-log.repository";
import type { LoginRecordRepository } from "../data/login-record.repository";
import type { Repositories } from "../data/unit-of-work";
import { accountDisabledError, invalidCredentialsError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import { newRefreshToken, tokenSha256 } from "./refresh-token";
import type { ClientInfo, SessionTokens } from "./session-tokens";
import type { ThrottledPasswordCheck } from "./throttled-password-check";

export interface LoginDeps {
  repos: Repositories;
  logins: LoginRecordRepository;
  /** Rehashes a password whose stored hash has a lower cost than the current one. */
  hasher: PasswordHasher;
  /** Checks the password inside the account's and the IP's failure budgets. */
  passwordCheck: ThrottledPasswordCheck;
  tokens: SessionTokens;
  sessionMaxLifetimeSeconds: number;
  logger: Logger;
}

export class LoginUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: LoginDeps) {
    this.log = deps.logger.child({ component: "login" });
  }

  async execute(input: LoginRequest, client: ClientInfo): Promise<TokenPairResponse> {
    const { repos } = this.deps;
    const user = await repos.users.findByLogin(input.login);
    // Known accounts are counted by id (e-mail and username share one budget); unknown ones by the login typed.
    const accountKey = user ? `user:${user.id}` : `login:${input.login.toLowerCase()}`;
    // An account without a password (created through a sign-in provider) is checked against the
    // dummy hash like an unknown one: same time, same answer.
    const { valid, locks } = await this.deps.passwordCheck.check({ accountKey, ip: client.ip ?? "unknown" }, user?.passwordHash ?? undefined, input.password);
    if (!user || !valid) {
      await repos.audit.record({ userId: user?.id ?? null, action: auditActions.loginFailure, ip: client.ip, userAgent: client.userAgent, details: { known_account: user !== undefined } });
      for (const lock of locks) {
        this.log.warn("login locked", { scope: lock.scope, user_id: user?.id, retry_after_seconds: lock.retryAfterSeconds });
        await repos.audit.record({ userId: user?.id ?? null, action: auditActions.lockout, ip: client.ip, userAgent: client.userAgent, details: { ...lock } });
      }
      throw invalidCredentialsError();
    }
    if (user.disabledAt) throw accountDisabledError();

    const refreshToken = newRefreshToken();
    const sessionId = randomUUID();
    const now = new Date();
    // The checks above are only fast answers: while argon2 runs the account may be disabled or its
    // password changed. The write itself refuses both, and serialises with the disable and the
    // change (see LoginRecordRepository).
    const opened = await this.deps.logins.record({
      sessionId,
      userId: user.id,
      firstTokenSha256: tokenSha256(refreshToken),
      expiresAt: new Date(now.getTime() + this.deps.sessionMaxLifetimeSeconds * 1000),
      at: now,
      client,
      verifiedPassword: { changedAt: user.passwordChangedAt },
    });
    if (!opened) throw await this.refusal(user.id, client);
    if (user.passwordHash && this.deps.hasher.needsRehash(user.passwordHash)) {
      await repos.users.rehashPassword(user.id, user.passwordHash, await this.deps.hasher.hash(input.password));
    }
    this.log.info("login", { user_id: user.id, session_id: sessionId });
    return this.deps.tokens.pair({ ...user, lastLoginAt: now }, sessionId, refreshToken);
  }

  /** The session write was refused: the error that says why, as the user stands now. */
  private async refusal(userId: string, client: ClientInfo): Promise<AppError> {
    const { repos } = this.deps;
    const user = await repos.users.findById(userId);
    if (user?.disabledAt) {
      this.log.info("login refused: account disabled while signing in", { user_id: userId });
      return accountDisabledError();
    }
    // The password it checked is no longer the password (changed while argon2 ran).
    this.log.info("login refused: password changed while signing in", { user_id: userId });
    await repos.audit.record({ userId, action: auditActions.loginFailure, ip: client.ip, userAgent: client.userAgent, details: { known_account: true, reason: "password_changed" } });
    return invalidCredentialsError();
  }
}
