import type { RecoveryCodesResponse } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import type { Repositories, UnitOfWork } from "../unit-of-work.port";
import type { ClientInfo } from "../session-tokens";
import type { SigningKeyCipher } from "../signing-key-cipher";
import { InvalidMfaCodeError, MfaAlreadyEnabledError, MfaEnrolmentNotStartedError } from "./mfa-errors";
import { newRecoveryCodes, recoveryCodeHashes } from "./recovery-codes";
import { matchTotpStep } from "./totp";

/**
 * Step two: a code from the new authenticator proves the person holds it; the authenticator is
 * confirmed (login asks for a code from then on) and ten recovery codes are made, in one
 * transaction under the user row's lock, and returned this once (only their hashes are kept).
 * The code's time step counts as used. Not held to the login budgets: whoever calls this already
 * holds the secret, so guessing gains nothing. Audited `mfa_enable`; a wrong code `mfa_failure`.
 */
export class ConfirmTotpUseCase {
  constructor(private readonly deps: { repos: Pick<Repositories, "totpAuthenticators" | "audit">; uow: UnitOfWork; secrets: SigningKeyCipher; now?: () => number }) {}

  /** @throws 401 `INVALID_MFA_CODE`, 409 `MFA_ENROLMENT_NOT_STARTED` / `MFA_ALREADY_ENABLED`. */
  async execute(userId: string, code: string, client: ClientInfo): Promise<RecoveryCodesResponse> {
    const { repos, secrets } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    const pending = await repos.totpAuthenticators.find(userId);
    if (!pending) throw new MfaEnrolmentNotStartedError();
    if (pending.confirmedAt) throw new MfaAlreadyEnabledError();
    const step = matchTotpStep(secrets.open(userId, pending.secretSealed), code, now);
    if (step === null) {
      await repos.audit.record({ userId, action: auditActions.mfaFailure, ip: client.ip, userAgent: client.userAgent, details: { method: "totp", purpose: "confirm", reason: "wrong_code" } });
      throw new InvalidMfaCodeError();
    }
    const codes = newRecoveryCodes();
    await this.deps.uow(async ({ users, totpAuthenticators, recoveryCodes, audit }) => {
      await users.lock(userId);
      // Only the secret this code matched: an enrolment restarted meanwhile has a new one.
      if (!(await totpAuthenticators.confirm(userId, pending.secretSealed, step, new Date(now)))) throw new MfaEnrolmentNotStartedError();
      await recoveryCodes.replace(userId, recoveryCodeHashes(codes));
      await audit.record({ userId, action: auditActions.mfaEnable, ip: client.ip, userAgent: client.userAgent, details: { method: "totp", recovery_codes: codes.length } });
    });
    return { recovery_codes: codes };
  }
}
