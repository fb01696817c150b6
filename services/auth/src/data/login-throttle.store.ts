import { createHash } from "node:crypto";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { Redis } from "ioredis";

export interface ThrottleLimits {
  accountMaxFailures: number;
  accountWindowSeconds: number;
  ipMaxFailures: number;
  ipWindowSeconds: number;
  lockoutMaxSeconds: number;
}

export type ThrottleBlock = { scope: "account" | "ip"; retryAfterSeconds: number };
/** The locks this failure set off (none, the account's, the IP's, or both). */
export type FailureOutcome = { locks: (ThrottleBlock & { level: number })[] };
/** `block` set: refuse the attempt. `failuresOnRecord`: a success has counters to reset. */
export type ThrottleCheck = { block: ThrottleBlock | undefined; failuresOnRecord: boolean };

/**
 * Counts failed logins in Redis (keys `auth:login:*`, or `auth:<namespace>:login:*`) per account and per client IP. An account
 * that reaches its limit inside the window is locked for window × 2^(level-1), capped; the level
 * grows with each lock in 24 h and resets on a successful login. The account key is the hash of
 * the login as typed, so unknown accounts lock the same way as real ones (no enumeration).
 */
const COUNT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;
// KEYS: lock, ip, fail, level. A Lua nil would cut the reply short, so a missing count is 0.
const CHECK = `
return {redis.call('PTTL', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('PTTL', KEYS[2]), redis.call('EXISTS', KEYS[3], KEYS[4])}`;

export class LoginThrottleStore {
  /**
   * @param keyPrefix `auth:` in production; `auth:<namespace>:` where several environments (test
   * runs, a bench) share one Redis.
   */
  constructor(
    private readonly redis: Redis,
    private readonly limits: ThrottleLimits,
    private readonly keyPrefix = "auth:",
  ) {}

  /**
   * One round trip: the account lock, the IP's count, and whether the account has failures or a
   * lock level on record (only then does a successful login need `recordSuccess`). A failure that
   * a concurrent attempt records after the check then stays counted: stricter, never looser.
   */
  async check(login: string, ip: string): Promise<ThrottleCheck> {
    const [lockTtl, ipCount, ipTtl, onRecord] = await this.run(async () => (await this.redis.eval(CHECK, 4, this.lockKey(login), this.ipKey(ip), this.failKey(login), this.levelKey(login))) as [number, number, number, number]);
    const failuresOnRecord = onRecord > 0;
    if (lockTtl > 0) return { block: { scope: "account", retryAfterSeconds: Math.ceil(lockTtl / 1000) }, failuresOnRecord };
    if (ipCount >= this.limits.ipMaxFailures && ipTtl > 0) return { block: { scope: "ip", retryAfterSeconds: Math.ceil(ipTtl / 1000) }, failuresOnRecord };
    return { block: undefined, failuresOnRecord };
  }

  async recordFailure(login: string, ip: string): Promise<FailureOutcome> {
    return this.run(async () => {
      const ipCount = Number(await this.redis.eval(COUNT, 1, this.ipKey(ip), this.limits.ipWindowSeconds * 1000));
      const count = Number(await this.redis.eval(COUNT, 1, this.failKey(login), this.limits.accountWindowSeconds * 1000));
      const locks: FailureOutcome["locks"] = [];
      if (count >= this.limits.accountMaxFailures) {
        const level = await this.redis.incr(this.levelKey(login));
        await this.redis.expire(this.levelKey(login), 24 * 3600);
        const seconds = Math.min(this.limits.lockoutMaxSeconds, this.limits.accountWindowSeconds * 2 ** Math.min(level - 1, 20));
        await this.redis.multi().set(this.lockKey(login), "1", "EX", seconds).del(this.failKey(login)).exec();
        locks.push({ scope: "account", retryAfterSeconds: seconds, level });
      }
      // Exactly at the limit: the IP is blocked from this failure on, and the block is audited once.
      if (ipCount === this.limits.ipMaxFailures) locks.push({ scope: "ip", retryAfterSeconds: this.limits.ipWindowSeconds, level: 1 });
      return { locks };
    });
  }

  async recordSuccess(login: string): Promise<void> {
    await this.run(() => this.redis.del(this.failKey(login), this.levelKey(login)));
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Fail closed: without the counters we cannot tell a brute force from a user.
      throw new DependencyUnavailableError("redis", { cause: error });
    }
  }

  private account(login: string): string {
    return createHash("sha256").update(login.toLowerCase()).digest("hex");
  }
  private failKey(login: string) {
    return `${this.keyPrefix}login:fail:${this.account(login)}`;
  }
  private lockKey(login: string) {
    return `${this.keyPrefix}login:lock:${this.account(login)}`;
  }
  private levelKey(login: string) {
    return `${this.keyPrefix}login:level:${this.account(login)}`;
  }
  private ipKey(ip: string) {
    return `${this.keyPrefix}login:ip:${ip}`;
  }
}
