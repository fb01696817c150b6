import { createHash } from "node:crypto";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import type { AccountMailLimiter } from "../domain/account-mail-limiter.port";

export interface AccountMailLimits {
  /** Mails per address per window. */
  addressMax: number;
  /** Requests per client IP per window. */
  ipMax: number;
  windowSeconds: number;
}

// TAKE — KEYS: address counter, IP counter. ARGV: window ms, address max, ip max. Refuses with the
// spent counter's PTTL when either is at its max (nothing counted); otherwise counts one on both.
// A window starts at its first request (PEXPIRE in the same script: no counter lives without a TTL).
const TAKE = `
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl > 0 then return ttl end
    return tonumber(ARGV[1])
  end
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0`;

/**
 * Fixed-window budgets in Redis (keys `auth:mail:*`, or `auth:<namespace>:mail:*`) for asking
 * for account mails, per address (its SHA-256: addresses are not kept in Redis) and per client
 * IP. One script, so both budgets are checked and counted together. Redis unreachable → 503
 * (fail closed, as the login throttle does).
 */
export class AccountMailThrottleStore implements AccountMailLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AccountMailLimits,
    private readonly keyPrefix = "auth:",
  ) {}

  async take(budgets: { email: string; ip: string }): Promise<{ granted: true } | { granted: false; retryAfterSeconds: number }> {
    const address = createHash("sha256").update(budgets.email.trim().toLowerCase()).digest("hex");
    let ttlMs: number;
    try {
      ttlMs = (await this.redis.eval(TAKE, 2, `${this.keyPrefix}mail:address:${address}`, `${this.keyPrefix}mail:ip:${budgets.ip}`, this.limits.windowSeconds * 1000, this.limits.addressMax, this.limits.ipMax)) as number;
    } catch (error) {
      throw new DependencyUnavailableError("redis", { cause: error });
    }
    return ttlMs > 0 ? { granted: false, retryAfterSeconds: Math.ceil(ttlMs / 1000) } : { granted: true };
  }
}
