import { randomUUID } from "node:crypto";
import type { LoginRequest, LoginResponse } from "@tollgate/contracts";
import type { AppError, Logger } from "@tollgate/service-kit";
import { auditActions } from "./audit-log.port";
import type { LoginAccountReader } from "./login-account.port";
import type { LoginRecorderPort } from "./login-record.port";
import type { Repositories } from "./unit-of-work.port";
import { AccountDisabledError, InvalidCredentialsError } from "./auth-errors";
import type { SecondFactorChallenges } from "./mfa/second-factor-challenges";
import type { PasswordHasher } from "./password-hasher";
import { newRefreshToken, tokenSha256 } from "./refresh-token";
import type { ClientInfo, SessionTokens } from "./session-tokens";
import type { ThrottledPasswordCheck } from "./throttled-password-check";

export interface LoginDeps {
  repos: Repositories;
  /** The account and whether a second factor follows, read in one go. */
  accounts: LoginAccountReader;
  logins: LoginRecorderPort;
  /** Rehashes a password whose stored hash has a lower cost than the current one. */
  hasher: PasswordHasher;
  /** Checks the password inside the account's and the IP's failure budgets. */
  passwordCheck: ThrottledPasswordCheck;
  tokens: SessionTokens;
  sessionMaxLifetimeSeconds: number;
  logger: Logger;
  /** Accounts with a confirmed authenticator get a challenge instead of a session. */
  secondFactor: SecondFactorChallenges;
}

export class LoginUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: LoginDeps) {
    this.log = deps.logger.child({ component: "login" });
  }

  /** A session, or for an account with a second factor a challenge (`MFA_REQUIRED`) to redeem at `/api/v1/auth/login/mfa`. */
  async execute(input: LoginRequest, client: ClientInfo): Promise<LoginResponse> {
    const { repos } = this.deps;
    const user = await this.deps.accounts.findByLogin(input.login);
    // Known accounts are counted by id (e-mail and username share one budget); unknown ones by the login typed.
    const accountKey = user ? `user:${user.id}` : `login:${input.login.toLowerCase()}`;
    // An account without a password (created through a sign-in provider) is checked against the
    // dummy hash like an unknown one: same time, same answer.
    const secondFactorFollows = user?.secondFactorRequired ?? false;
    const { valid, locks } = await this.deps.passwordCheck.check({ accountKey, ip: client.ip ?? "unknown" }, user?.passwordHash ?? undefined, input.password, { keepAccountFailures: secondFactorFollows });
    if (!user || !valid) {
      await repos.audit.record({ userId: user?.id ?? null, action: auditActions.loginFailure, ip: client.ip, userAgent: client.userAgent, details: { known_account: user !== undefined } });
      for (const lock of locks) {
        this.log.warn("login locked", { scope: lock.scope, user_id: user?.id, retry_after_seconds: lock.retryAfterSeconds });
        await repos.audit.record({ userId: user?.id ?? null, action: auditActions.lockout, ip: client.ip, userAgent: client.userAgent, details: { ...lock } });
      }
      throw new InvalidCredentialsError();
    }
    if (user.disabledAt) throw new AccountDisabledError();
    if (secondFactorFollows) {
      await this.rehashIfNeeded(user.id, user.passwordHash, input.password);
      this.log.info("login: second factor required", { user_id: user.id });
      // The second step writes the session under the same condition: this password must still be the user's then.
      return this.deps.secondFactor.challenge({ userId: user.id, firstFactor: { kind: "password", passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null } }, client);
    }

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
    if (!opened) throw await refusedSessionError(repos, this.log, user.id, client);
    await this.rehashIfNeeded(user.id, user.passwordHash, input.password);
    this.log.info("login", { user_id: user.id, session_id: sessionId });
    return this.deps.tokens.pair({ ...user, lastLoginAt: now }, sessionId, refreshToken);
  }

  private async rehashIfNeeded(userId: string, storedHash: string | null, password: string): Promise<void> {
    if (storedHash && this.deps.hasher.needsRehash(storedHash)) {
      await this.deps.repos.users.rehashPassword(userId, storedHash, await this.deps.hasher.hash(password));
    }
  }
}

/**
 * A password login's session write was refused (this one's, or the second step's of a two-factor
 * login): the error that says why, as the user stands now.
 */
export async function refusedSessionError(repos: Pick<Repositories, "users" | "audit">, log: Logger, userId: string, client: ClientInfo): Promise<AppError> {
  const user = await repos.users.findById(userId);
  if (user?.disabledAt) {
    log.info("login refused: account disabled while signing in", { user_id: userId });
    return new AccountDisabledError();
  }
  // The password it checked is no longer the password (changed while argon2 ran, or before the second factor came).
  log.info("login refused: password changed while signing in", { user_id: userId });
  await repos.audit.record({ userId, action: auditActions.loginFailure, ip: client.ip, userAgent: client.userAgent, details: { known_account: true, reason: "password_changed" } });
  return new InvalidCredentialsError();
}
