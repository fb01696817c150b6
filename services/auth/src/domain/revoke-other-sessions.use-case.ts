import type { AccessTokenClaims, OtherSessionsRevoked } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import type { ClientInfo } from "./session-tokens";

/** Ends every session of the caller but the one asking, each with its own `session.revoked` (reason `user_request`). */
export class RevokeOtherSessionsUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(claims: AccessTokenClaims, client: ClientInfo): Promise<OtherSessionsRevoked> {
    const now = new Date();
    return this.deps.uow(async ({ sessions, events, audit }) => {
      const revoked = await sessions.revoke({ userId: claims.sub, exceptId: claims.sid }, "user_request", now);
      for (const sessionId of revoked) await events.sessionRevoked(claims.sub, sessionId, "user_request", now);
      await audit.record({ userId: claims.sub, action: auditActions.otherSessionsRevoked, ip: client.ip, userAgent: client.userAgent, details: { revoked_sessions: revoked.length, kept_session_id: claims.sid } });
      return { revoked_sessions: revoked.length };
    });
  }
}
