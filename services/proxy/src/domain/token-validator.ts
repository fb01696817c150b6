import { accessTokenValuePattern } from "@tollgate/contracts";
import { accessTokenHash, type AccessTokenRejection, type Logger, RevocationLog, TokenRejectedError } from "@tollgate/service-kit";
import { LRUCache } from "lru-cache";
import type { Grant } from "./grant";
import type { GrantCache } from "./grant-cache.port";

const REVOKED_TTL_MS = 10 * 60_000;

/** A grant as cached: `validatedAt` (epoch ms) is when the token service last vouched for it. */
type Entry = { grant: Grant; validatedAt: number } | { rejected: AccessTokenRejection };

export interface ValidationCounters {
  hit(tier: "memory" | "redis" | "token_service"): void;
}

/** Asks the token service: by the plaintext (API clients) or by its SHA-256 (app sessions). */
export interface RemoteValidation {
  byToken(token: string): Promise<Grant>;
  byHash(tokenSha256: string): Promise<Grant>;
}

export interface TokenValidatorOptions {
  /** The shared tier (Redis; an ioredis client is one). */
  redis: GrantCache;
  remote: RemoteValidation;
  logger: Logger;
  positiveTtlMs: number;
  negativeTtlMs: number;
  maxEntries: number;
  /**
   * A cached grant older than this (ms since the token service vouched for it) is re-validated
   * before it admits anything: the bound on a revocation whose event never arrived (GRANT_MAX_AGE).
   * Past half of it, a hit is still served and re-validated in the background.
   */
  grantMaxAgeMs: number;
  counters?: ValidationCounters;
  now?: () => number;
}

export const redisTokenKey = (hash: string) => `proxy:token:${hash}`;
export const redisUserKey = (userId: string) => `proxy:user:${userId}`;

/**
 * Validation, fastest first: in-process LRU → Redis → token service. Positive answers never
 * outlive the token, nor `grantMaxAgeMs` since the token service last vouched for them, whatever
 * the event bus does (a hit past half that age is re-validated in the background, so a token in
 * use never waits for it); refusals live at most a second. A Redis failure skips that tier; a
 * token service failure with nothing fresh enough cached is an error (fail closed), never a pass.
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
    if (!accessTokenValuePattern.test(token)) return Promise.reject(new TokenRejectedError("TOKEN_INVALID"));
    return this.validateHash(accessTokenHash(token), () => this.options.remote.byToken(token));
  }

  /** Validates by the token's SHA-256 (hex), as an app session holds it. */
  validateHash(hash: string, remote: () => Promise<Grant> = () => this.options.remote.byHash(hash)): Promise<Grant> {
    const cached = this.memory.get(hash);
    if (cached) {
      this.options.counters?.hit("memory");
      if ("rejected" in cached) return Promise.reject(new TokenRejectedError(cached.rejected));
      const now = this.now();
      const age = now - cached.validatedAt;
      if (cached.grant.expiresAt > now && age < this.options.grantMaxAgeMs) {
        if (age >= this.options.grantMaxAgeMs / 2) this.revalidateInBackground(hash, remote);
        return Promise.resolve(cached.grant);
      }
    }
    return this.lookupOnce(hash, () => this.lookup(hash, remote));
  }

  /** Concurrent lookups of one token share one. */
  private lookupOnce(hash: string, lookup: () => Promise<Grant>): Promise<Grant> {
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = lookup().finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  /** Refreshes an ageing grant while it is still served; a refusal replaces it, a failure leaves it to age out. */
  private revalidateInBackground(hash: string, remote: () => Promise<Grant>): void {
    if (this.inFlight.has(hash)) return;
    this.lookupOnce(hash, () => this.fromTokenService(hash, remote, this.revocations.mark())).catch((error: unknown) => {
      if (!(error instanceof TokenRejectedError)) this.log.warn("background re-validation failed", { error: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Drops a token everywhere this instance can reach (revocation). */
  async evict(hash: string): Promise<void> {
    this.revocations.revoke("token", hash);
    // A revocation is final: refuse at once for as long as it is remembered, even if Redis is away.
    this.memory.set(hash, { rejected: "TOKEN_REVOKED" }, { ttl: REVOKED_TTL_MS });
    // A failure here is thrown, not logged and forgotten: the event is then retried (its offset
    // not committed) until Redis has lost the grant too, and this instance refuses it meanwhile.
    await this.options.redis.del(redisTokenKey(hash));
  }

  /** Drops every token of a user (disabled user); throws, like `evict`, when Redis could not be told. */
  async evictUser(userId: string): Promise<void> {
    this.revocations.revoke("user", userId);
    for (const [hash, entry] of this.memory.entries()) {
      if ("grant" in entry && entry.grant.userId === userId) this.memory.set(hash, { rejected: "TOKEN_REVOKED" }, { ttl: REVOKED_TTL_MS });
    }
    const hashes = await this.options.redis.smembers(redisUserKey(userId));
    if (hashes.length > 0) await this.options.redis.del(...hashes.map(redisTokenKey));
    await this.options.redis.del(redisUserKey(userId));
  }

  private async lookup(hash: string, remote: () => Promise<Grant>): Promise<Grant> {
    const mark = this.revocations.mark();
    const fromRedis = await this.readRedis(hash);
    const now = this.now();
    if (fromRedis && fromRedis.grant.expiresAt > now && now - fromRedis.validatedAt < this.options.grantMaxAgeMs) {
      this.assertNotRevokedSince(hash, fromRedis.grant, mark);
      this.options.counters?.hit("redis");
      this.remember(hash, fromRedis);
      return fromRedis.grant;
    }
    return this.fromTokenService(hash, remote, mark);
  }

  private async fromTokenService(hash: string, remote: () => Promise<Grant>, mark: number): Promise<Grant> {
    const validatedAt = this.now();
    try {
      const grant = await remote();
      this.options.counters?.hit("token_service");
      this.assertNotRevokedSince(hash, grant, mark);
      this.remember(hash, { grant, validatedAt });
      await this.writeRedis(hash, grant, validatedAt);
      return grant;
    } catch (error) {
      if (error instanceof TokenRejectedError) await this.forgetGrant(hash, error.code);
      throw error;
    }
  }

  /**
   * The token service refused a token this instance may hold a grant for: a revocation or an
   * expiry is final, so it is remembered as long as a revocation event would be and the grant
   * leaves Redis too; otherwise the next lookup here or elsewhere would find the grant there and
   * admit the token again until it aged out. Anything else is remembered briefly.
   */
  private async forgetGrant(hash: string, code: AccessTokenRejection): Promise<void> {
    if (code === "TOKEN_INVALID") {
      this.remember(hash, { rejected: code });
      return;
    }
    this.memory.set(hash, { rejected: code }, { ttl: REVOKED_TTL_MS });
    await this.options.redis.del(redisTokenKey(hash)).catch((error: Error) => this.log.warn("redis delete of a refused grant failed; it ages out within GRANT_MAX_AGE", { error: error.message }));
  }

  private assertNotRevokedSince(hash: string, grant: Grant, mark: number): void {
    if (this.revocations.revokedSince(mark, { token: hash, user: grant.userId })) throw new TokenRejectedError("TOKEN_REVOKED");
  }

  private remember(hash: string, entry: Entry): void {
    const now = this.now();
    const ttl = "grant" in entry ? Math.min(this.options.positiveTtlMs, entry.grant.expiresAt - now, entry.validatedAt + this.options.grantMaxAgeMs - now) : this.options.negativeTtlMs;
    if (ttl > 0) this.memory.set(hash, entry, { ttl });
  }

  private async readRedis(hash: string): Promise<{ grant: Grant; validatedAt: number } | undefined> {
    try {
      const raw = await this.options.redis.get(redisTokenKey(hash));
      if (!raw) return undefined;
      const parsed = JSON.parse(raw) as Partial<Grant & { validatedAt: number }>;
      if (typeof parsed.tokenId !== "string" || typeof parsed.userId !== "string" || typeof parsed.expiresAt !== "number" || typeof parsed.validatedAt !== "number") return undefined;
      return { grant: { tokenId: parsed.tokenId, userId: parsed.userId, expiresAt: parsed.expiresAt }, validatedAt: parsed.validatedAt };
    } catch (error) {
      this.log.warn("redis read failed; asking the token service", { error: (error as Error).message });
      return undefined;
    }
  }

  /**
   * The grant lives in Redis until it is too old to admit without asking again, not until the
   * token expires; the user's set (for a disabled user's eviction) as long as the token's life.
   */
  private async writeRedis(hash: string, grant: Grant, validatedAt: number): Promise<void> {
    const ttlMs = grant.expiresAt - this.now();
    const freshMs = Math.min(ttlMs, validatedAt + this.options.grantMaxAgeMs - this.now());
    if (freshMs <= 0) return;
    try {
      await this.options.redis
        .multi()
        .set(redisTokenKey(hash), JSON.stringify({ ...grant, validatedAt }), "PX", freshMs)
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
