import type { TokenPairResponse } from "@tollgate/contracts";

/** What a client keeps between runs: the CLI writes it to a 0600 file, an app to its keychain. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch */
  accessExpiresAt: number;
  user: TokenPairResponse["user"];
}

export interface SessionStore {
  load(): StoredSession | undefined | Promise<StoredSession | undefined>;
  save(session: StoredSession | undefined): void | Promise<void>;
}

export class MemorySessionStore implements SessionStore {
  private session: StoredSession | undefined;
  load() {
    return this.session;
  }
  save(session: StoredSession | undefined) {
    this.session = session;
  }
}

export const toStoredSession = (pair: TokenPairResponse, now = Date.now()): StoredSession => ({
  accessToken: pair.access_token,
  refreshToken: pair.refresh_token,
  accessExpiresAt: now + pair.expires_in * 1000,
  user: pair.user,
});
