/** Which budget refused an attempt, and for how long (whole seconds, at least 1: the `Retry-After`). */
export type AttemptBlock = { scope: "account" | "ip"; retryAfterSeconds: number };

/** A lock a failure set off, for the audit log: `level` is the account's lock count in 24 h (1 for an IP). */
export type AttemptLock = AttemptBlock & { level: number };

/** Proof that an attempt holds a slot of its account's and its IP's budget; hand it back exactly once. */
export interface AttemptTicket {
  readonly accountKey: string;
  readonly ip: string;
  /** Random per attempt: tells this attempt's slot from later ones and from another window's. */
  readonly token: string;
  /** The IP window the slot was taken in ("" when unknown). */
  readonly ipWindow: string;
}

export type AttemptReservation = { granted: true; ticket: AttemptTicket } | { granted: false; block: AttemptBlock };

/**
 * Failed-password budgets per account and per client IP (OWASP ASVS 4.0.3 V2.2.1: anti-automation
 * that limits failed attempts). A password may only be checked after `reserve` granted a slot in
 * both budgets: reserving is one atomic step, so guesses sent together cannot all pass a check
 * made before any of them is counted. A slot counts as a failure until the attempt settles.
 */
export interface LoginAttemptLimiter {
  /** Takes a slot of both budgets, or says which one is spent and until when. Never partial. */
  reserve(accountKey: string, ip: string): Promise<AttemptReservation>;
  /** The password was wrong: the slot stays spent; returns the locks this failure set off (each once). */
  recordFailure(ticket: AttemptTicket): Promise<AttemptLock[]>;
  /**
   * The password was right: the IP slot is given back, and the account's failures are forgiven unless a later attempt is racing this one.
   * With `forgiveAccount: false` (a right password for an account with a second factor) the account's slot stays spent and its
   * failures stay counted: only the second factor's success forgives them, so knowing the password cannot reset the budget
   * that limits guesses of the code.
   */
  recordSuccess(ticket: AttemptTicket, options?: { forgiveAccount?: boolean }): Promise<void>;
}
