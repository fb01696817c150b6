import { createHash, randomBytes } from "node:crypto";
import { DependencyUnavailableError } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { MfaChallenges, PendingSecondFactor } from "../domain/mfa/mfa.port";

const pendingSchema = z.object({
  userId: z.string(),
  firstFactor: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("password"), passwordChangedAt: z.string().nullable() }),
    z.object({ kind: z.literal("oauth"), provider: z.string(), outcome: z.enum(["existing_identity", "linked_by_email", "linked_to_account", "created"]) }),
  ]),
});

// ATTEMPT — KEYS: the challenge (hash p = pending sign-in, n = attempts, b = held since, ms).
// ARGV: max attempts, now (ms), how long a hold lasts at most (ms, for a holder that died).
// Answers 'busy' while another attempt holds it; otherwise counts the attempt, holds the
// challenge and answers the pending sign-in, or nil once it is gone or spent (the attempt past
// the last deletes it).
const ATTEMPT = `
local pending = redis.call('HGET', KEYS[1], 'p')
if not pending then return false end
local held = redis.call('HGET', KEYS[1], 'b')
if held and tonumber(ARGV[2]) - tonumber(held) < tonumber(ARGV[3]) then return 'busy' end
if redis.call('HINCRBY', KEYS[1], 'n', 1) > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('HSET', KEYS[1], 'b', ARGV[2])
return pending`;

/** An attempt holds its challenge at most this long (a process that died mid-attempt frees it then). */
const HOLD_MS = 10_000;

export interface MfaChallengeSettings {
  ttlSeconds: number;
  /** Codes that may be tried against one challenge; each also counts in the login budgets. */
  maxAttempts: number;
}

/**
 * Challenges in Redis under `auth:mfa:challenge:<sha256(token)>` (or `auth:<namespace>:…`) with a
 * TTL: Redis expires them by itself, like pending OAuth sign-ins. The token (256 random bits) is
 * handed out once and only its hash is a key. Redeeming is a DEL, so of two second steps racing on
 * one challenge exactly one opens a session. Redis unreachable → 503, like the login throttle.
 */
export class MfaChallengeStore implements MfaChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly settings: MfaChallengeSettings,
    private readonly keyPrefix = "auth:",
  ) {}

  async issue(pending: PendingSecondFactor): Promise<{ token: string; expiresInSeconds: number }> {
    const token = randomBytes(32).toString("base64url");
    const key = this.key(token);
    await this.run(() => this.redis.multi().hset(key, { p: JSON.stringify(pending), n: 0 }).expire(key, this.settings.ttlSeconds).exec());
    return { token, expiresInSeconds: this.settings.ttlSeconds };
  }

  async attempt(token: string): Promise<PendingSecondFactor | "busy" | undefined> {
    const raw = (await this.run(() => this.redis.eval(ATTEMPT, 1, this.key(token), this.settings.maxAttempts, Date.now(), HOLD_MS))) as string | null;
    if (raw === null) return undefined;
    if (raw === "busy") return "busy";
    const parsed = pendingSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async release(token: string): Promise<void> {
    await this.run(() => this.redis.hdel(this.key(token), "b"));
  }

  async redeem(token: string): Promise<boolean> {
    return (await this.run(() => this.redis.del(this.key(token)))) === 1;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new DependencyUnavailableError("redis", { cause: error });
    }
  }

  private key(token: string): string {
    return `${this.keyPrefix}mfa:challenge:${createHash("sha256").update(token).digest("hex")}`;
  }
}
