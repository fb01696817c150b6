import type { MfaCodeRequest, SecondFactorMethod } from "@tollgate/contracts";
import { RateLimitedError, type Logger } from "@tollgate/service-kit";
import { auditActions } from "../audit-log.port";
import type { Repositories } from "../unit-of-work.port";
import type { LoginAttemptLimiter } from "../login-attempt-limiter.port";
import type { ClientInfo } from "../session-tokens";
import type { SigningKeyCipher } from "../signing-key-cipher";
import { InvalidMfaCodeError } from "./mfa-errors";
import { normaliseRecoveryCode, recoveryCodeSha256 } from "./recovery-codes";
import { matchTotpStep } from "./totp";

/** Where a second factor was asked for, in the audit rows. */
export type SecondFactorPurpose = "login" | "disable" | "recovery_codes";

/** Why a code was refused, for the audit row only (the answer is the same for all). */
type Refusal = "wrong_code" | "reused_code" | "unknown_or_used_recovery_code" | "not_enrolled";

export interface SecondFactorCheckDeps {
  repos: Pick<Repositories, "totpAuthenticators" | "recoveryCodes" | "audit">;
  /** Opens TOTP secrets (`totpSecretPurpose`). */
  secrets: SigningKeyCipher;
  /** The login budgets; undefined only with LOGIN_THROTTLE_ENABLED=false (refused in production). */
  limiter: LoginAttemptLimiter | undefined;
  logger: Logger;
  now?: () => number;
}

/**
 * The only way a TOTP code or a recovery code is checked for a confirmed authenticator: inside
 * the same per-account and per-IP failure budgets as passwords (`LoginThrottleStore`), reserved
 * before the check. A wrong code is a failure like a wrong password (it can lock the account,
 * audited `lockout`, and the next attempt gets 429); a right one forgives the account's
 * failures. A TOTP code is accepted once: its time step is recorded in the same UPDATE that
 * checks it is later than the last one used, so a code seen by someone else within its 90 s
 * window, or sent twice at once, fails. A recovery code is spent by one conditional UPDATE.
 *
 * Audit: `mfa_failure` for every refusal (`method`, `purpose`, `reason`), `mfa_recovery_code_used`
 * (`purpose`, `remaining`) for every recovery code spent.
 */
export class SecondFactorCheck {
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly deps: SecondFactorCheckDeps) {
    this.log = deps.logger.child({ component: "second-factor" });
    this.now = deps.now ?? Date.now;
  }

  /**
   * @returns the method that passed.
   * @throws 401 `INVALID_MFA_CODE` (wrong, replayed or spent), 429 `RATE_LIMITED` (a budget is
   * spent), 503 (Redis down, before any check).
   */
  async verify(userId: string, proof: MfaCodeRequest, client: ClientInfo, purpose: SecondFactorPurpose): Promise<SecondFactorMethod> {
    const method: SecondFactorMethod = "totp_code" in proof ? "totp" : "recovery_code";
    const { limiter } = this.deps;
    const reservation = limiter ? await limiter.reserve(`user:${userId}`, client.ip ?? "unknown") : undefined;
    if (reservation && !reservation.granted) throw new RateLimitedError(reservation.block.retryAfterSeconds, "too many failed attempts, try again later");
    const refusal = "totp_code" in proof ? await this.checkTotp(userId, proof.totp_code) : await this.checkRecoveryCode(userId, proof.recovery_code, client, purpose);
    if (refusal === undefined) {
      if (reservation?.granted) await limiter?.recordSuccess(reservation.ticket);
      return method;
    }
    const locks = reservation?.granted && limiter ? await limiter.recordFailure(reservation.ticket) : [];
    const { audit } = this.deps.repos;
    await audit.record({ userId, action: auditActions.mfaFailure, ip: client.ip, userAgent: client.userAgent, details: { method, purpose, reason: refusal } });
    for (const lock of locks) {
      this.log.warn("second factor locked", { scope: lock.scope, user_id: userId, retry_after_seconds: lock.retryAfterSeconds });
      await audit.record({ userId, action: auditActions.lockout, ip: client.ip, userAgent: client.userAgent, details: { ...lock, via: "second_factor" } });
    }
    throw new InvalidMfaCodeError();
  }

  private async checkTotp(userId: string, code: string): Promise<Refusal | undefined> {
    const { totpAuthenticators } = this.deps.repos;
    const authenticator = await totpAuthenticators.find(userId);
    if (!authenticator?.confirmedAt) return "not_enrolled";
    const step = matchTotpStep(this.deps.secrets.open(userId, authenticator.secretSealed), code, this.now());
    if (step === null) return "wrong_code";
    return (await totpAuthenticators.useStep(userId, step)) ? undefined : "reused_code";
  }

  private async checkRecoveryCode(userId: string, typed: string, client: ClientInfo, purpose: SecondFactorPurpose): Promise<Refusal | undefined> {
    const { recoveryCodes, totpAuthenticators, audit } = this.deps.repos;
    if (!(await totpAuthenticators.isConfirmed(userId))) return "not_enrolled";
    const normalised = normaliseRecoveryCode(typed);
    if (normalised === undefined || !(await recoveryCodes.use(userId, recoveryCodeSha256(normalised), new Date(this.now())))) return "unknown_or_used_recovery_code";
    const remaining = await recoveryCodes.remaining(userId);
    this.log.info("recovery code used", { user_id: userId, purpose, remaining });
    await audit.record({ userId, action: auditActions.mfaRecoveryCodeUsed, ip: client.ip, userAgent: client.userAgent, details: { purpose, remaining } });
    return undefined;
  }
}
