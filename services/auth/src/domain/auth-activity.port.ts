import type { SessionRevocationReason } from "@tollgate/contracts";

/**
 * How a login request ended: signed in, wrong credentials, refused by the lockout, a disabled
 * account, a failure of ours, or a right password for an account that must now show its second
 * factor (`mfa_required`; the second step, `POST /api/v1/auth/login/mfa`, then counts as one of the others).
 */
export const loginOutcomes = ["success", "failure", "locked", "disabled", "error", "mfa_required"] as const;
export type LoginOutcome = (typeof loginOutcomes)[number];

/** What the auth service reports once it has happened (committed); the service's metrics implement it. */
export interface AuthActivity {
  login(outcome: LoginOutcome): void;
  sessionsRevoked(reason: SessionRevocationReason, count: number): void;
}

export const untrackedAuthActivity: AuthActivity = {
  login: () => undefined,
  sessionsRevoked: () => undefined,
};
