import { LRUCache } from "lru-cache";

/** How long a revocation is remembered: far longer than any lookup or WebSocket handshake takes. */
const REMEMBER_MS = 10 * 60_000;

/**
 * The revocations this instance has seen, each stamped with a sequence number, so that work begun
 * before a revocation arrived (a lookup, a WebSocket handshake) can ask "was this token or its
 * user revoked since I started?" and refuse instead of acting on a stale answer.
 * A sequence, not a clock: two events in one millisecond stay ordered.
 */
export class RevocationLog {
  private sequence = 0;
  private readonly tokens: LRUCache<string, number>;
  private readonly users: LRUCache<string, number>;

  constructor(maxEntries: number) {
    this.tokens = new LRUCache({ max: maxEntries, ttl: REMEMBER_MS });
    this.users = new LRUCache({ max: maxEntries, ttl: REMEMBER_MS });
  }

  /** A point to compare against later. */
  mark(): number {
    return this.sequence;
  }

  revokeToken(tokenSha256: string): void {
    this.tokens.set(tokenSha256, ++this.sequence);
  }

  revokeUser(userId: string): void {
    this.users.set(userId, ++this.sequence);
  }

  /** Whether the token (by SHA-256) or its user was revoked after `mark` was taken. */
  revokedSince(mark: number, tokenSha256: string, userId: string): boolean {
    return (this.tokens.get(tokenSha256) ?? 0) > mark || (this.users.get(userId) ?? 0) > mark;
  }
}
