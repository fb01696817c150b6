import type { SessionRecord } from "./session.repository.port";

/** A user's live session with where it was opened from: the same record the administration API lists. */
export type LiveSession = SessionRecord;

/** A user's own sessions, read-only; data/account-session.repository.ts implements it. */
export interface AccountSessionRepositoryPort {
  /**
   * Sessions that a refresh would still accept at `at`: not revoked, before their absolute
   * expiry, used within `idleTimeoutSeconds`. Most recently used first, at most `limit`.
   */
  listLive(userId: string, at: Date, idleTimeoutSeconds: number, limit: number): Promise<LiveSession[]>;
}
