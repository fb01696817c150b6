/**
 * How many account mails (password reset, verification) may be asked for per address and per
 * client IP in a window: a mailbox cannot be flooded, and addresses cannot be tried at speed.
 * Unknown addresses spend their budget exactly like known ones, so the answer reveals nothing.
 */
export interface AccountMailLimiter {
  /** Takes one from the address's and the IP's budget, or neither: `retryAfterSeconds` when one is spent. */
  take(budgets: { email: string; ip: string }): Promise<{ granted: true } | { granted: false; retryAfterSeconds: number }>;
}
