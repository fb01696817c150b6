import type { AccessTokenClaims } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { OwnSessionNotFoundError } from "./account-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * Ends one of the caller's sessions (the current one too: that is a logout). Other services learn
 * it from `session.revoked` (reason `user_request`). Someone else's session, or none, is 404; one
 * of theirs that already ended is done already (204 again).
 */
export class RevokeSessionUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(claims: AccessTokenClaims, sessionId: string, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ sessions, events, audit }) => {
      const session = await sessions.findById(sessionId);
      if (!session || session.userId !== claims.sub) throw new OwnSessionNotFoundError();
      const revoked = await sessions.revoke({ id: sessionId }, "user_request", now);
      if (revoked.length === 0) return;
      await events.sessionRevoked(claims.sub, sessionId, "user_request", now);
      await audit.record({ userId: claims.sub, action: auditActions.sessionRevoked, ip: client.ip, userAgent: client.userAgent, details: { session_id: sessionId, current: sessionId === claims.sid } });
    });
  }
}
