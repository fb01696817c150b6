/** How long a revocation is remembered: far longer than any lookup, handshake or socket authentication takes. */
const REMEMBER_MS = 10 * 60_000;

interface Entry {
  sequence: number;
  at: number;
}

/**
 * The revocations this instance has handled, by kind (`"token"`, `"session"`, `"user"` …), each
 * stamped with a sequence number, so that work begun before a revocation arrived (a validation, a
 * WebSocket handshake, a socket authentication) can ask once it has registered itself "was any of
 * these revoked since I started?" and refuse instead of acting on a stale answer. A long-lived
 * connection authorised once is otherwise missed by a revocation that lands between its check and
 * its registration. A sequence, not a clock: two events in one millisecond stay ordered.
 *
 *   const mark = log.mark();
 *   …check, then register…
 *   if (log.revokedSince(mark, { token: hash, user: userId })) refuse();
 *
 * Entries are forgotten after `rememberMs`; a mark older than the oldest forgotten entry is
 * answered as revoked, since it can no longer be vouched for.
 */
export class RevocationLog<Kind extends string> {
  private sequence = 0;
  /** The highest sequence forgotten: a mark below it can no longer be answered for. */
  private forgottenUpTo = 0;
  /** Insertion-ordered, so the oldest entries are at the front. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly rememberMs = REMEMBER_MS) {}

  /** A point to compare against later. */
  mark(): number {
    return this.sequence;
  }

  revoke(kind: Kind, id: string): void {
    const now = Date.now();
    this.forget(now);
    const key = `${kind}\u0000${id}`;
    this.entries.delete(key);
    this.entries.set(key, { sequence: ++this.sequence, at: now });
  }

  /** The first of `ids`' kinds revoked after `mark` (in the order given), or undefined. */
  revokedSince(mark: number, ids: Partial<Record<Kind, string>>): Kind | "forgotten" | undefined {
    for (const kind in ids) {
      const id = ids[kind];
      if (id !== undefined && (this.entries.get(`${kind}\u0000${id}`)?.sequence ?? 0) > mark) return kind;
    }
    return mark < this.forgottenUpTo ? "forgotten" : undefined;
  }

  private forget(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.rememberMs) return;
      this.entries.delete(key);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, entry.sequence);
    }
  }
}
