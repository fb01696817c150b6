import type { SessionRevocationReason } from "@tollgate/contracts";

/** How a password login ended: signed in, wrong credentials, refused by the lockout, a disabled account, or a failure of ours. */
export const loginOutcomes = ["success", "failure", "locked", "disabled", "error"] as const;
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
