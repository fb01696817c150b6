import { RateLimitedError } from "@tollgate/service-kit";
import type { AttemptLock, LoginAttemptLimiter } from "./login-attempt-limiter.port";
import type { PasswordHasher } from "./password-hasher";

export type ThrottledCheckResult = { valid: boolean; locks: AttemptLock[] };

/**
 * The only way login and password change check a password: reserve a slot of the account's and
 * the IP's failure budgets, then run argon2 (~25 ms at the production cost), then settle. The
 * slot is taken before the expensive check, so however many guesses arrive together, at most the
 * budget's worth are checked (the race this closes: all 25 of 24 wrong guesses and the right one,
 * sent at once, used to be checked, and the right one logged in). Refused → 429 `RATE_LIMITED`
 * with `Retry-After` (RFC 6585 §4). Redis unreachable → 503 before any check.
 */
export class ThrottledPasswordCheck {
  constructor(private readonly deps: { hasher: PasswordHasher; limiter: LoginAttemptLimiter | undefined }) {}

  /**
   * @param storedHash the account's argon2 hash; undefined for an unknown or password-less account
   * (checked against a dummy hash in the same time, and never valid).
   * @param options.keepAccountFailures the account has a second factor: a right password gives the
   * IP slot back but keeps the account's slot and failures counted until the second factor
   * succeeds (otherwise each right password would reset the budget the code's guesses spend).
   * @returns whether the password matched, and the locks its failure set off (to audit).
   */
  async check(budget: { accountKey: string; ip: string }, storedHash: string | undefined, password: string, options: { keepAccountFailures?: boolean } = {}): Promise<ThrottledCheckResult> {
    const { hasher, limiter } = this.deps;
    // Only with LOGIN_THROTTLE_ENABLED=false, which production refuses.
    if (!limiter) return { valid: await hasher.verify(storedHash, password), locks: [] };
    const reservation = await limiter.reserve(budget.accountKey, budget.ip);
    if (!reservation.granted) throw new RateLimitedError(reservation.block.retryAfterSeconds, "too many failed attempts, try again later");
    // If the check itself throws, the slot stays spent: strict, never loose.
    const valid = await hasher.verify(storedHash, password);
    if (!valid) return { valid, locks: await limiter.recordFailure(reservation.ticket) };
    await limiter.recordSuccess(reservation.ticket, { forgiveAccount: !options.keepAccountFailures });
    return { valid, locks: [] };
  }
}
