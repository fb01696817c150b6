import type { AccessTokenClaims, AdminSessionsRevoked } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { SessionNotFoundError } from "./admin-errors";
import { byAdmin } from "./admin-views";
import { UserNotFoundError } from "./auth-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * An admin ends one session, or every session of a user: each revoked session gets its
 * `session.revoked` (reason `admin`), so every service refuses its access token at once. The
 * account stays enabled; its owner can sign in again.
 */
export class AdminRevokeSessionsUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** Revoking a revoked (or expired) session again is harmless: nothing is emitted or audited. */
  async one(admin: AccessTokenClaims, sessionId: string, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ sessions, events, audit }) => {
      const session = await sessions.lock(sessionId);
      if (!session) throw new SessionNotFoundError();
      const [revoked] = await sessions.revoke({ id: sessionId }, "admin", now);
      if (!revoked) return;
      await events.sessionRevoked(session.userId, revoked, "admin", now);
      await audit.record({ userId: session.userId, action: auditActions.adminSessionRevoked, ...byAdmin(admin, client), details: { session_id: revoked } });
    });
  }

  async all(admin: AccessTokenClaims, userId: string, client: ClientInfo): Promise<AdminSessionsRevoked> {
    const now = new Date();
    return this.deps.uow(async ({ users, sessions, events, audit }) => {
      if (!(await users.findById(userId))) throw new UserNotFoundError();
      const revoked = await sessions.revoke({ userId }, "admin", now);
      for (const sessionId of revoked) await events.sessionRevoked(userId, sessionId, "admin", now);
      if (revoked.length > 0) await audit.record({ userId, action: auditActions.adminSessionsRevoked, ...byAdmin(admin, client), details: { session_ids: revoked } });
      return { revoked_sessions: revoked.length };
    });
  }
}
