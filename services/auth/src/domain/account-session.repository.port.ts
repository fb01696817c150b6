/** A user's live session with where it was opened from. */
export interface LiveSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** A user's own sessions, read-only; data/account-session.repository.ts implements it. */
export interface AccountSessionRepositoryPort {
  /**
   * Sessions that a refresh would still accept at `at`: not revoked, before their absolute
   * expiry, used within `idleTimeoutSeconds`. Most recently used first, at most `limit`.
   */
  listLive(userId: string, at: Date, idleTimeoutSeconds: number, limit: number): Promise<LiveSession[]>;
}
