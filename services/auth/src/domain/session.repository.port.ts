export interface Session {
  id: string;
  userId: string;
  generation: number;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A session as the administration API lists it: where it was opened from. */
export interface SessionRecord {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface RefreshTokenRecord {
  tokenSha256: string;
  sessionId: string;
  generation: number;
  rotatedAt: Date | null;
  successorSealed: string | null;
}

/** Sessions and their refresh tokens; data/session.repository.ts implements it. */
export interface SessionRepositoryPort {
  findRefreshToken(tokenSha256: string): Promise<RefreshTokenRecord | undefined>;
  /** Locks the session row for the rest of the transaction: concurrent refreshes queue here. */
  lock(id: string): Promise<Session | undefined>;
  findById(id: string): Promise<Session | undefined>;
  rotate(sessionId: string, from: {
    tokenSha256: string;
    successorSealed: string;
  }, to: {
    tokenSha256: string;
    generation: number;
  }, at: Date): Promise<void>;
  touch(sessionId: string, at: Date): Promise<void>;
  /** Revokes and returns the ids that were still active. */
  revoke(where: {
    id: string;
  } | {
    userId: string;
    exceptId?: string;
  }, reason: string, at: Date): Promise<string[]>;
  isRevoked(id: string): Promise<boolean>;
  /** Sessions neither revoked nor past their absolute lifetime, newest first. */
  listLive(userId: string, limit: number): Promise<SessionRecord[]>;
}
