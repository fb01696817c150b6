/** How long a revocation is remembered: far longer than any socket authentication takes. */
const REMEMBER_MS = 10 * 60_000;

export type RevocationCode = "session_revoked" | "user_disabled";

/**
 * The revocations this instance has handled, each stamped with a sequence number, so that a socket
 * authentication begun before a revocation was handled can ask "was this session or its user
 * revoked since I started?" once the socket is registered, instead of acting on the answer Redis
 * gave before (the proxy's tunnels do the same, services/proxy/src/domain/revocation-log.ts).
 * A sequence, not a clock: two events in one millisecond stay ordered.
 */
export class RevocationLog {
  private sequence = 0;
  /** The highest sequence forgotten: a mark below it can no longer be answered for. */
  private forgottenUpTo = 0;
  private readonly sessions = new Map<string, { sequence: number; at: number }>();
  private readonly users = new Map<string, { sequence: number; at: number }>();

  constructor(private readonly rememberMs = REMEMBER_MS) {}

  /** A point to compare against later. */
  mark(): number {
    return this.sequence;
  }

  revokeSession(sessionId: string): void {
    this.remember(this.sessions, sessionId);
  }

  disableUser(userId: string): void {
    this.remember(this.users, userId);
  }

  /**
   * Whether the session or its user was revoked after `mark` was taken. An authentication older
   * than everything remembered is answered as revoked: it cannot be vouched for (it would have
   * taken ten minutes).
   */
  revokedSince(mark: number, userId: string, sessionId: string): RevocationCode | undefined {
    if ((this.users.get(userId)?.sequence ?? 0) > mark) return "user_disabled";
    if ((this.sessions.get(sessionId)?.sequence ?? 0) > mark) return "session_revoked";
    if (mark < this.forgottenUpTo) return "session_revoked";
    return undefined;
  }

  private remember(entries: Map<string, { sequence: number; at: number }>, key: string): void {
    const now = Date.now();
    this.forget(this.sessions, now);
    this.forget(this.users, now);
    // Re-inserted at the end, so each map stays in the order its entries were written.
    entries.delete(key);
    entries.set(key, { sequence: ++this.sequence, at: now });
  }

  private forget(entries: Map<string, { sequence: number; at: number }>, now: number): void {
    for (const [key, entry] of entries) {
      if (now - entry.at < this.rememberMs) return;
      entries.delete(key);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, entry.sequence);
    }
  }
}
