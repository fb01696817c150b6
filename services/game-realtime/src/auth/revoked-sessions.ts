import type { Redis } from "ioredis";
import { GameRedisKeys } from "../presence/redis-keys";

/**
 * Sessions the auth service has revoked (fed by `session.revoked` / `user.disabled` events), kept
 * in Redis so every instance refuses a revoked session's still-unexpired access token, including
 * on a socket opened after the event. Entries outlive any access token (15 min) and then expire.
 *
 * Each instance also remembers the revocations it handled itself, for as long: Redis may lose
 * them. A Redis restarted empty (no persistence) let a logged-out session's access token create
 * games and open sockets again until it expired (chaos/redis-outage.test.ts). Such a session is
 * also refused without asking Redis, so during an outage it gets 401, not 503.
 */
export class RevokedSessions {
  /** Key → expiry (ms). One TTL for all, so insertion order is expiry order. */
  private readonly remembered = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlSeconds?: number; now?: () => number; keys?: GameRedisKeys } = {},
  ) {
    this.keys = options.keys ?? new GameRedisKeys();
  }

  private readonly keys: GameRedisKeys;

  private get ttl(): number {
    return this.options.ttlSeconds ?? 3_600;
  }

  async revokeSession(sessionId: string): Promise<void> {
    this.remember(this.keys.revokedSession(sessionId));
    await this.redis.set(this.keys.revokedSession(sessionId), "1", "EX", this.ttl);
  }

  async disableUser(userId: string): Promise<void> {
    this.remember(this.keys.revokedUser(userId));
    await this.redis.set(this.keys.revokedUser(userId), "1", "EX", this.ttl);
  }

  /**
   * The account was enabled again (`user.enabled`): its new sessions may be used. The disable's
   * own sessions stay refused, each by its `session.revoked`.
   */
  async enableUser(userId: string): Promise<void> {
    this.remembered.delete(this.keys.revokedUser(userId));
    await this.redis.del(this.keys.revokedUser(userId));
  }

  /** "SESSION_REVOKED", "USER_DISABLED", or undefined when the session may be used. */
  async check(userId: string, sessionId: string): Promise<"SESSION_REVOKED" | "USER_DISABLED" | undefined> {
    if (this.recalls(this.keys.revokedUser(userId))) return "USER_DISABLED";
    if (this.recalls(this.keys.revokedSession(sessionId))) return "SESSION_REVOKED";
    const [session, user] = await this.redis.mget(this.keys.revokedSession(sessionId), this.keys.revokedUser(userId));
    if (user) return "USER_DISABLED";
    if (session) return "SESSION_REVOKED";
    return undefined;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private remember(key: string): void {
    const now = this.now();
    for (const [old, expiresAt] of this.remembered) {
      if (expiresAt > now) break;
      this.remembered.delete(old);
    }
    // Re-inserted at the back, keeping the order (an event delivered twice).
    this.remembered.delete(key);
    this.remembered.set(key, now + this.ttl * 1_000);
  }

  private recalls(key: string): boolean {
    return (this.remembered.get(key) ?? 0) > this.now();
  }
}
