import { RevocationLog, type Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { tokenHash, TokenRejectedError, type Grant, type RejectionCode } from "./grant";

const REVOKED_TTL_MS = 10 * 60_000;
/** The access token's shape (contracts: accessTokenValueSchema). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{64}$/;

type Entry = { grant: Grant } | { rejected: RejectionCode };

export interface ValidationCounters {
  hit(tier: "memory" | "redis" | "token_service"): void;
}

/** Asks the token service: by the plaintext (API clients) or by its SHA-256 (app sessions). */
export interface RemoteValidation {
  byToken(token: string): Promise<Grant>;
  byHash(tokenSha256: string): Promise<Grant>;
}

export interface TokenValidatorOptions {
  redis: Redis;
  remote: RemoteValidation;
  logger: Logger;
  positiveTtlMs: number;
  negativeTtlMs: number;
  maxEntries: number;
  counters?: ValidationCounters;
  now?: () => number;
}

export const redisTokenKey = (hash: string) => `proxy:token:${hash}`;
export const redisUserKey = (userId: string) => `proxy:user:${userId}`;

/**
 * Validation, fastest first: in-process LRU → Redis → token service. Positive answers never
 * outlive the token; refusals live at most a second. A Redis failure skips that tier; a token
 * service failure with nothing cached is an error (fail closed), never a pass.
 *
 * A revocation that arrives while a lookup is in flight wins: the lookup's answer is refused and
 * not cached (otherwise a grant read just before the eviction would be written back after it).
 */
export class TokenValidator {
  private readonly memory: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Promise<Grant>>();
  private readonly log: Logger;
  private readonly now: () => number;
  readonly revocations = new RevocationLog<"token" | "user">();

  constructor(private readonly options: TokenValidatorOptions) {
    this.memory = new LRUCache<string, Entry>({ max: options.maxEntries, ttlAutopurge: false });
    this.log = options.logger.child({ component: "token-validator" });
    this.now = options.now ?? Date.now;
  }

  /**
   * Validates a plaintext access token (X-Access-Token). Throws `TokenRejectedError` or a 503. A
   * value that cannot be a token (64 of `[A-Za-z0-9_-]`) is refused here, without a lookup.
   */
  validate(token: string): Promise<Grant> {
    if (!TOKEN_SHAPE.test(token)) return Promise.reject(new TokenRejectedError("TOKEN_INVALID"));
    return this.validateHash(tokenHash(token), () => this.options.remote.byToken(token));
  }

  /** Validates by the token's SHA-256 (hex), as an app session holds it. */
  validateHash(hash: string, remote: () => Promise<Grant> = () => this.options.remote.byHash(hash)): Promise<Grant> {
    const cached = this.memory.get(hash);
    if (cached) {
      this.options.counters?.hit("memory");
      if ("rejected" in cached) return Promise.reject(new TokenRejectedError(cached.rejected));
      if (cached.grant.expiresAt > this.now()) return Promise.resolve(cached.grant);
    }
    // Concurrent first requests for one token share one lookup.
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.lookup(hash, remote).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  /** Drops a token everywhere this instance can reach (revocation). */
  async evict(hash: string): Promise<void> {
    this.revocations.revoke("token", hash);
    // A revocation is final: refuse at once for as long as it is remembered, even if Redis is away.
    this.memory.set(hash, { rejected: "TOKEN_REVOKED" }, { ttl: REVOKED_TTL_MS });
    await this.options.redis.del(redisTokenKey(hash)).catch((error: Error) => this.log.warn("redis evict failed", { error: error.message }));
  }

  /** Drops every token of a user (disabled user). */
  async evictUser(userId: string): Promise<void> {
    this.revocations.revoke("user", userId);
    for (const [hash, entry] of this.memory.entries()) {
      if ("grant" in entry && entry.grant.userId === userId) this.memory.delete(hash);
    }
    try {
      const hashes = await this.options.redis.smembers(redisUserKey(userId));
      if (hashes.length > 0) await this.options.redis.del(...hashes.map(redisTokenKey));
      await this.options.redis.del(redisUserKey(userId));
    } catch (error) {
      this.log.warn("redis evict of a user's tokens failed", { error: (error as Error).message });
    }
  }

  private async lookup(hash: string, remote: () => Promise<Grant>): Promise<Grant> {
    const mark = this.revocations.mark();
    const fromRedis = await this.readRedis(hash);
    if (fromRedis && fromRedis.expiresAt > this.now()) {
      this.assertNotRevokedSince(hash, fromRedis, mark);
      this.options.counters?.hit("redis");
      this.remember(hash, { grant: fromRedis });
      return fromRedis;
    }
    try {
      const grant = await remote();
      this.options.counters?.hit("token_service");
      this.assertNotRevokedSince(hash, grant, mark);
      this.remember(hash, { grant });
      await this.writeRedis(hash, grant);
      return grant;
    } catch (error) {
      if (error instanceof TokenRejectedError) this.remember(hash, { rejected: error.code });
      throw error;
    }
  }

  private assertNotRevokedSince(hash: string, grant: Grant, mark: number): void {
    if (this.revocations.revokedSince(mark, { token: hash, user: grant.userId })) throw new TokenRejectedError("TOKEN_REVOKED");
  }

  private remember(hash: string, entry: Entry): void {
    const ttl = "grant" in entry ? Math.min(this.options.positiveTtlMs, entry.grant.expiresAt - this.now()) : this.options.negativeTtlMs;
    if (ttl > 0) this.memory.set(hash, entry, { ttl });
  }

  private async readRedis(hash: string): Promise<Grant | undefined> {
    try {
      const raw = await this.options.redis.get(redisTokenKey(hash));
      if (!raw) return undefined;
      const parsed = JSON.parse(raw) as Partial<Grant>;
      if (typeof parsed.tokenId !== "string" || typeof parsed.userId !== "string" || typeof parsed.expiresAt !== "number") return undefined;
      return { tokenId: parsed.tokenId, userId: parsed.userId, expiresAt: parsed.expiresAt };
    } catch (error) {
      this.log.warn("redis read failed; asking the token service", { error: (error as Error).message });
      return undefined;
    }
  }

  private async writeRedis(hash: string, grant: Grant): Promise<void> {
    const ttlMs = grant.expiresAt - this.now();
    if (ttlMs <= 0) return;
    try {
      await this.options.redis
        .multi()
        .set(redisTokenKey(hash), JSON.stringify(grant), "PX", ttlMs)
        .sadd(redisUserKey(grant.userId), hash)
        // The set lives as long as the longest-lived token in it: NX sets a first TTL, GT only extends.
        .pexpire(redisUserKey(grant.userId), ttlMs, "NX")
        .pexpire(redisUserKey(grant.userId), ttlMs, "GT")
        .exec();
    } catch (error) {
      this.log.warn("redis write failed", { error: (error as Error).message });
    }
  }
}
