import type { MfaCodeRequest } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import type { Repositories, UnitOfWork } from "../unit-of-work.port";
import type { ClientInfo } from "../session-tokens";
import { MfaNotEnabledError } from "./mfa-errors";
import type { SecondFactorCheck } from "./second-factor-check";

/**
 * Turns the second factor off: a fresh TOTP code or an unused recovery code first (a stolen
 * access token alone cannot do it; guesses spend the login budgets), then the authenticator and
 * every recovery code go, in one transaction. Audited `mfa_disable` with the method used.
 */
export class DisableMfaUseCase {
  constructor(private readonly deps: { repos: Pick<Repositories, "totpAuthenticators">; uow: UnitOfWork; check: SecondFactorCheck }) {}

  /** @throws 409 `MFA_NOT_ENABLED`, 401 `INVALID_MFA_CODE`, 429 `RATE_LIMITED`. */
  async execute(userId: string, proof: MfaCodeRequest, client: ClientInfo): Promise<void> {
    if (!(await this.deps.repos.totpAuthenticators.isConfirmed(userId))) throw new MfaNotEnabledError();
    const method = await this.deps.check.verify(userId, proof, client, "disable");
    await this.deps.uow(async ({ users, totpAuthenticators, recoveryCodes, audit }) => {
      await users.lock(userId);
      if (!(await totpAuthenticators.remove(userId))) throw new MfaNotEnabledError();
      await recoveryCodes.removeAll(userId);
      await audit.record({ userId, action: auditActions.mfaDisable, ip: client.ip, userAgent: client.userAgent, details: { method } });
    });
  }
}
