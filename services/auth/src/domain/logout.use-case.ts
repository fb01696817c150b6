import type { AccessTokenClaims } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import type { ClientInfo } from "./session-tokens";

/** Revokes the caller's session; other services learn it from `session.revoked`. */
export class LogoutUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(claims: AccessTokenClaims, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ sessions, events, audit }) => {
      const revoked = await sessions.revoke({ id: claims.sid }, "logout", now);
      if (revoked.length > 0) await events.sessionRevoked(claims.sub, claims.sid, "logout", now);
      await audit.record({ userId: claims.sub, action: auditActions.logout, ip: client.ip, userAgent: client.userAgent, details: { session_id: claims.sid } });
    });
  }
}
