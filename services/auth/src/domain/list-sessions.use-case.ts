import type { AccessTokenClaims, AccountSessionList } from "@tollgate/contracts";
import type { AccountSessionRepositoryPort } from "./account-session.repository.port";

/** More than anyone has; a list this long is a script logging in in a loop. */
const MAX_LISTED = 200;

/** The caller's live sessions: where each was opened, when last used, when it ends, and which is this one. */
export class ListSessionsUseCase {
  constructor(private readonly deps: { sessions: AccountSessionRepositoryPort; idleTimeoutSeconds: number }) {}

  async execute(claims: AccessTokenClaims): Promise<AccountSessionList> {
    const now = new Date();
    const sessions = await this.deps.sessions.listLive(claims.sub, now, this.deps.idleTimeoutSeconds, MAX_LISTED);
    return {
      sessions: sessions.map((session) => ({
        id: session.id,
        created_at: session.createdAt.toISOString(),
        last_used_at: session.lastUsedAt.toISOString(),
        expires_at: new Date(Math.min(session.expiresAt.getTime(), session.lastUsedAt.getTime() + this.deps.idleTimeoutSeconds * 1000)).toISOString(),
        ip: session.ip,
        user_agent: session.userAgent,
        current: session.id === claims.sid,
      })),
    };
  }
}
