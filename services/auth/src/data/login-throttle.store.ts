import { createHash, randomBytes } from "node:crypto";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import type { AttemptLock, AttemptReservation, AttemptTicket, LoginAttemptLimiter } from "../domain/login-attempt-limiter.port";

export interface ThrottleLimits {
  accountMaxFailures: number;
  accountWindowSeconds: number;
  ipMaxFailures: number;
  ipWindowSeconds: number;
  lockoutMaxSeconds: number;
}

// Every script touches only the keys it is given, so each runs atomically on one Redis.
//
// RESERVE — KEYS: lock, attempts (hash n/last), ip (hash n/w). ARGV: token, account max, account
// window ms, ip max, ip window ms. Refuses with {1 account | 2 ip, pttl}; grants with {0, 0, ip window}.
// A slot is taken from both budgets or from neither. A window starts at its first slot (PEXPIRE
// when n becomes 1, in the same script, so a counter never lives without a TTL).
const RESERVE = `
local lockTtl = redis.call('PTTL', KEYS[1])
if lockTtl > 0 then return {1, lockTtl} end
if tonumber(redis.call('HGET', KEYS[3], 'n') or '0') >= tonumber(ARGV[4]) then return {2, redis.call('PTTL', KEYS[3])} end
if tonumber(redis.call('HGET', KEYS[2], 'n') or '0') >= tonumber(ARGV[2]) then return {1, redis.call('PTTL', KEYS[2])} end
if redis.call('HINCRBY', KEYS[2], 'n', 1) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
redis.call('HSET', KEYS[2], 'last', ARGV[1])
if redis.call('HINCRBY', KEYS[3], 'n', 1) == 1 then
  redis.call('HSET', KEYS[3], 'w', ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
return {0, 0, redis.call('HGET', KEYS[3], 'w')}`;

// FAIL — KEYS: lock, attempts, level, ip, ip-block marker. ARGV: account max, account window s,
// lockout cap s, ip max. The slot stays spent. The account locks once its budget is spent (slots
// still in flight count: they are failures until proven otherwise) for window × 2^(level-1),
// capped; the attempts restart when the lock ends. An IP block is reported once per window (the
// marker lives as long as the IP's window). Returns {lock s, level, ip block ms}, 0 for none.
const FAIL = `
local result = {0, 0, 0}
if tonumber(redis.call('HGET', KEYS[2], 'n') or '0') >= tonumber(ARGV[1]) and redis.call('EXISTS', KEYS[1]) == 0 then
  local level = redis.call('INCR', KEYS[3])
  redis.call('EXPIRE', KEYS[3], 86400)
  local seconds = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ math.min(level - 1, 20))
  redis.call('SET', KEYS[1], '1', 'EX', seconds)
  redis.call('DEL', KEYS[2])
  result[1] = seconds
  result[2] = level
end
local ipTtl = redis.call('PTTL', KEYS[4])
if tonumber(redis.call('HGET', KEYS[4], 'n') or '0') >= tonumber(ARGV[4]) and ipTtl > 0 and redis.call('SET', KEYS[5], '1', 'PX', ipTtl, 'NX') then result[3] = ipTtl end
return result`;

// SUCCEED — KEYS: attempts, level, ip. ARGV: token, ip window, forgive ('1' or '0'). The IP slot
// goes back if its window is still the same one. The account's attempts and lock level are cleared
// only when forgiving and no attempt reserved after this one (its token is still `last`): a user
// who mistyped, then got it right. A success in the middle of a burst leaves the burst's slots, its
// own included, counted. Not forgiving (a right password, a second factor still due) leaves the
// account's slot and failures as they are.
const SUCCEED = `
if ARGV[3] == '1' and redis.call('HGET', KEYS[1], 'last') == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[3], 'w') == ARGV[2] then redis.call('HINCRBY', KEYS[3], 'n', -1) end
return 0`;

/**
 * Failed-password budgets in Redis (keys `auth:login:*`, or `auth:<namespace>:login:*`), per
 * account and per client IP, as three Lua scripts: reserve before the password is checked, then
 * fail or succeed. Defaults and their source are in config.ts (OWASP ASVS V2.2.1). The account key
 * is a hash of the login as typed, so unknown accounts lock exactly like real ones (no
 * enumeration).
 *
 * A process that dies between reserve and settle leaves its slot spent until the window ends:
 * the budget errs on the strict side. Redis unreachable → 503 (fail closed).
 */
export class LoginThrottleStore implements LoginAttemptLimiter {
  /**
   * @param keyPrefix `auth:` in production; `auth:<namespace>:` where several environments (test
   * runs, a bench) share one Redis.
   */
  constructor(
    private readonly redis: Redis,
    private readonly limits: ThrottleLimits,
    private readonly keyPrefix = "auth:",
  ) {}

  async reserve(accountKey: string, ip: string): Promise<AttemptReservation> {
    const token = randomBytes(12).toString("base64url");
    const { accountMaxFailures, accountWindowSeconds, ipMaxFailures, ipWindowSeconds } = this.limits;
    const [refused, ttlMs, ipWindow] = await this.run(
      async () => (await this.redis.eval(RESERVE, 3, this.lockKey(accountKey), this.attemptsKey(accountKey), this.ipKey(ip), token, accountMaxFailures, accountWindowSeconds * 1000, ipMaxFailures, ipWindowSeconds * 1000)) as [number, number, string | null],
    );
    if (refused === 0) return { granted: true, ticket: { accountKey, ip, token, ipWindow: ipWindow ?? "" } };
    const scope = refused === 2 ? "ip" : "account";
    // A negative PTTL (the key expired between two reads of one script cannot happen; a key without
    // a TTL should not exist) still answers with a whole window rather than "retry now".
    const fallbackSeconds = scope === "ip" ? ipWindowSeconds : accountWindowSeconds;
    return { granted: false, block: { scope, retryAfterSeconds: ttlMs > 0 ? Math.ceil(ttlMs / 1000) : fallbackSeconds } };
  }

  async recordFailure(ticket: AttemptTicket): Promise<AttemptLock[]> {
    const { accountMaxFailures, accountWindowSeconds, lockoutMaxSeconds, ipMaxFailures } = this.limits;
    const [lockSeconds, level, ipBlockMs] = await this.run(
      async () =>
        (await this.redis.eval(
          FAIL,
          5,
          this.lockKey(ticket.accountKey),
          this.attemptsKey(ticket.accountKey),
          this.levelKey(ticket.accountKey),
          this.ipKey(ticket.ip),
          this.ipBlockedKey(ticket.ip),
          accountMaxFailures,
          accountWindowSeconds,
          lockoutMaxSeconds,
          ipMaxFailures,
        )) as [number, number, number],
    );
    const locks: AttemptLock[] = [];
    if (lockSeconds > 0) locks.push({ scope: "account", retryAfterSeconds: lockSeconds, level });
    if (ipBlockMs > 0) locks.push({ scope: "ip", retryAfterSeconds: Math.ceil(ipBlockMs / 1000), level: 1 });
    return locks;
  }

  async recordSuccess(ticket: AttemptTicket, { forgiveAccount = true }: { forgiveAccount?: boolean } = {}): Promise<void> {
    await this.run(() => this.redis.eval(SUCCEED, 3, this.attemptsKey(ticket.accountKey), this.levelKey(ticket.accountKey), this.ipKey(ticket.ip), ticket.token, ticket.ipWindow, forgiveAccount ? "1" : "0"));
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
  // `attempts` and `ip-attempts` are hashes; they replaced the string counters `fail:` and `ip:`
  // under new names, so a deploy never meets an old key of the wrong type (the old ones expire).
  private attemptsKey(login: string) {
    return `${this.keyPrefix}login:attempts:${this.account(login)}`;
  }
  private lockKey(login: string) {
    return `${this.keyPrefix}login:lock:${this.account(login)}`;
  }
  private levelKey(login: string) {
    return `${this.keyPrefix}login:level:${this.account(login)}`;
  }
  private ipKey(ip: string) {
    return `${this.keyPrefix}login:ip-attempts:${ip}`;
  }
  private ipBlockedKey(ip: string) {
    return `${this.keyPrefix}login:ip-blocked:${ip}`;
  }
}
