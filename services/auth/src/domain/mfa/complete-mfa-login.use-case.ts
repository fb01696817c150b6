import { randomUUID } from "node:crypto";
import type { MfaCodeRequest, MfaLoginRequest, TokenPairResponse } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import { auditActions } from "../audit-log.port";
import type { LoginRecord, LoginRecorderPort } from "../login-record.port";
import type { Repositories } from "../unit-of-work.port";
import type { AuthActivity } from "../auth-activity.port";
import { AccountDisabledError } from "../auth-errors";
import { outcomeOf } from "../counted-login.use-case";
import { refusedSessionError } from "../login.use-case";
import { newRefreshToken, tokenSha256 } from "../refresh-token";
import type { ClientInfo, SessionTokens } from "../session-tokens";
import type { MfaChallenges, PendingSecondFactor } from "./mfa.port";
import { MfaAttemptInProgressError, MfaChallengeInvalidError } from "./mfa-errors";
import type { SecondFactorCheck } from "./second-factor-check";

export interface CompleteMfaLoginDeps {
  repos: Pick<Repositories, "users" | "audit">;
  challenges: MfaChallenges;
  check: SecondFactorCheck;
  logins: LoginRecorderPort;
  tokens: SessionTokens;
  sessionMaxLifetimeSeconds: number;
  logger: Logger;
  activity: AuthActivity;
}

/**
 * The second step of a two-factor sign-in (`POST /api/v1/auth/login/mfa`): the challenge the
 * first step answered with, and a TOTP code or a recovery code. The challenge allows a few
 * attempts within its lifetime, every one of them also spending the account's and the IP's
 * login budgets (`SecondFactorCheck`), and opens at most one session: it is deleted by the
 * attempt that passes, and a second attempt racing it finds it gone. The session is written
 * exactly as the first step would have written it (`LoginRecordRepository`, same statement): for
 * a password login only while that password is still the user's and the account enabled; audit
 * `login_success` (or `oauth_login`) with `mfa` naming the method. Counted in `auth_logins_total`.
 */
export class CompleteMfaLoginUseCase {
  private readonly log: Logger;

  constructor(private readonly deps: CompleteMfaLoginDeps) {
    this.log = deps.logger.child({ component: "mfa-login" });
  }

  /**
   * @throws 401 `MFA_CHALLENGE_INVALID`, `INVALID_MFA_CODE`, `INVALID_CREDENTIALS` (the password
   * changed since the first step); 403 `ACCOUNT_DISABLED`; 429 `RATE_LIMITED`; 503 (Redis).
   */
  async execute(input: MfaLoginRequest, client: ClientInfo): Promise<TokenPairResponse> {
    try {
      const pair = await this.complete(input, client);
      this.deps.activity.login("success");
      return pair;
    } catch (error) {
      this.deps.activity.login(outcomeOf(error));
      throw error;
    }
  }

  private async complete(input: MfaLoginRequest, client: ClientInfo): Promise<TokenPairResponse> {
    const { repos, challenges } = this.deps;
    const pending = await challenges.attempt(input.mfa_token);
    if (pending === "busy") throw new MfaAttemptInProgressError();
    if (!pending) throw new MfaChallengeInvalidError();
    let method: string;
    let user: NonNullable<Awaited<ReturnType<typeof repos.users.findById>>>;
    try {
      const found = await repos.users.findById(pending.userId);
      if (!found) throw new MfaChallengeInvalidError();
      if (found.disabledAt) throw new AccountDisabledError();
      user = found;
      const proof: MfaCodeRequest = "totp_code" in input ? { totp_code: input.totp_code } : { recovery_code: input.recovery_code };
      method = await this.deps.check.verify(user.id, proof, client, "login");
    } catch (error) {
      // A wrong code leaves the challenge to its remaining attempts; the next one may go ahead.
      await challenges.release(input.mfa_token).catch(() => undefined);
      throw error;
    }
    if (!(await challenges.redeem(input.mfa_token))) throw new MfaChallengeInvalidError();

    const refreshToken = newRefreshToken();
    const sessionId = randomUUID();
    const now = new Date();
    const opened = await this.deps.logins.record({
      sessionId,
      userId: user.id,
      firstTokenSha256: tokenSha256(refreshToken),
      expiresAt: new Date(now.getTime() + this.deps.sessionMaxLifetimeSeconds * 1000),
      at: now,
      client,
      ...sessionConditions(pending, method),
    });
    if (!opened) throw pending.firstFactor.kind === "password" ? await refusedSessionError(repos, this.log, user.id, client) : new AccountDisabledError();
    this.log.info("login", { user_id: user.id, session_id: sessionId, mfa: method });
    return this.deps.tokens.pair({ ...user, lastLoginAt: now }, sessionId, refreshToken);
  }
}

/** The audit row and the write's condition of the sign-in's first factor. */
function sessionConditions(pending: PendingSecondFactor, method: string): Pick<LoginRecord, "audit" | "verifiedPassword"> {
  const { firstFactor } = pending;
  if (firstFactor.kind === "oauth") return { audit: { action: auditActions.oauthLogin, details: { provider: firstFactor.provider, outcome: firstFactor.outcome, mfa: method } } };
  return {
    audit: { action: auditActions.loginSuccess, details: { mfa: method } },
    verifiedPassword: { changedAt: firstFactor.passwordChangedAt === null ? null : new Date(firstFactor.passwordChangedAt) },
  };
}
