import type { MfaCodeRequest, RecoveryCodesResponse } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import type { Repositories, UnitOfWork } from "../unit-of-work.port";
import type { ClientInfo } from "../session-tokens";
import { MfaNotEnabledError } from "./mfa-errors";
import { newRecoveryCodes, recoveryCodeHashes } from "./recovery-codes";
import type { SecondFactorCheck } from "./second-factor-check";

/**
 * Ten new recovery codes for ten old ones (used or not, all stop working): after a fresh TOTP code
 * or an unused recovery code, checked like at login. Returned this once. Audited
 * `mfa_recovery_codes_regenerate`.
 */
export class RegenerateRecoveryCodesUseCase {
  constructor(private readonly deps: { repos: Pick<Repositories, "totpAuthenticators">; uow: UnitOfWork; check: SecondFactorCheck }) {}

  /** @throws 409 `MFA_NOT_ENABLED`, 401 `INVALID_MFA_CODE`, 429 `RATE_LIMITED`. */
  async execute(userId: string, proof: MfaCodeRequest, client: ClientInfo): Promise<RecoveryCodesResponse> {
    if (!(await this.deps.repos.totpAuthenticators.isConfirmed(userId))) throw new MfaNotEnabledError();
    const method = await this.deps.check.verify(userId, proof, client, "recovery_codes");
    const codes = newRecoveryCodes();
    await this.deps.uow(async ({ users, totpAuthenticators, recoveryCodes, audit }) => {
      // Serialised with a disable: codes are never written for an authenticator just removed.
      await users.lock(userId);
      if (!(await totpAuthenticators.isConfirmed(userId))) throw new MfaNotEnabledError();
      await recoveryCodes.replace(userId, recoveryCodeHashes(codes));
      await audit.record({ userId, action: auditActions.mfaRecoveryCodesRegenerate, ip: client.ip, userAgent: client.userAgent, details: { method } });
    });
    return { recovery_codes: codes };
  }
}
