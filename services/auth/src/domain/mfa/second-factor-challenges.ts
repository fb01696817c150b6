import { mfaErrorCodes, type MfaChallengeResponse } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import type { Repositories } from "../unit-of-work.port";
import type { ClientInfo } from "../session-tokens";
import type { MfaChallenges, PendingSecondFactor } from "./mfa.port";

/**
 * Codes that may be tried against one challenge before it is deleted (a person mistyping twice or
 * three times; an attacker also meets the login budgets, which every attempt spends).
 */
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;

/**
 * The first step's side of two-factor sign-in: whether an account must show a second factor, and
 * the challenge a sign-in answers with instead of a session (audited `mfa_challenge`: the first
 * factor was right, which is worth knowing when the second then fails).
 */
export class SecondFactorChallenges {
  constructor(private readonly deps: { repos: Pick<Repositories, "totpAuthenticators" | "audit">; challenges: MfaChallenges }) {}

  /** True when the account has a confirmed authenticator (a pending enrolment does not count). */
  isRequired(userId: string): Promise<boolean> {
    return this.deps.repos.totpAuthenticators.isConfirmed(userId);
  }

  async challenge(pending: PendingSecondFactor, client: ClientInfo): Promise<MfaChallengeResponse> {
    const { token, expiresInSeconds } = await this.deps.challenges.issue(pending);
    const { firstFactor } = pending;
    await this.deps.repos.audit.record({
      userId: pending.userId,
      action: auditActions.mfaChallenge,
      ip: client.ip,
      userAgent: client.userAgent,
      details: firstFactor.kind === "oauth" ? { first_factor: "oauth", provider: firstFactor.provider } : { first_factor: "password" },
    });
    return { status: mfaErrorCodes.MFA_REQUIRED, mfa_token: token, expires_in: expiresInSeconds, methods: ["totp", "recovery_code"] };
  }
}
