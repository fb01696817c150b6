import type { MfaStatusResponse } from "@tollgate/contracts";
import type { Repositories } from "../unit-of-work.port";

/** `GET /api/v1/users/me/mfa`: whether the account has a second factor, and how many recovery codes are left. */
export class GetMfaStatusUseCase {
  constructor(private readonly deps: { repos: Pick<Repositories, "totpAuthenticators" | "recoveryCodes"> }) {}

  async execute(userId: string): Promise<MfaStatusResponse> {
    const authenticator = await this.deps.repos.totpAuthenticators.find(userId);
    const confirmedAt = authenticator?.confirmedAt ?? null;
    return {
      totp: !authenticator ? "disabled" : confirmedAt ? "enabled" : "pending",
      enabled_at: confirmedAt?.toISOString() ?? null,
      recovery_codes_remaining: confirmedAt ? await this.deps.repos.recoveryCodes.remaining(userId) : 0,
    };
  }
}
