import type { Redis } from "ioredis";

/**
 * Sessions the auth service has revoked (fed by `session.revoked` / `user.disabled` events), kept
 * in Redis so every instance refuses a revoked session's still-unexpired access token, including
 * on a socket opened after the event. Entries outlive any access token (15 min) and then expire.
 */
export class RevokedSessions {
  constructor(
    private readonly redis: Redis,
    private readonly options: { ttlSeconds?: number } = {},
  ) {}

  private get ttl(): number {
    return this.options.ttlSeconds ?? 3_600;
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.redis.set(`game:revoked:session:${sessionId}`, "1", "EX", this.ttl);
  }

  async disableUser(userId: string): Promise<void> {
    await this.redis.set(`game:revoked:user:${userId}`, "1", "EX", this.ttl);
  }

  /** "session_revoked", "user_disabled", or undefined when the session may be used. */
  async check(userId: string, sessionId: string): Promise<"session_revoked" | "user_disabled" | undefined> {
    const [session, user] = await this.redis.mget(`game:revoked:session:${sessionId}`, `game:revoked:user:${userId}`);
    if (user) return "user_disabled";
    if (session) return "session_revoked";
    return undefined;
  }
}
