import type { AccessTokenClaims } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { byAdmin } from "./admin-views";
import { UserNotFoundError } from "./auth-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * An admin enables a disabled user: they may sign in again, and `user.enabled` tells the services
 * that remember disabled users. What the disable revoked (sessions, tokens) stays revoked.
 */
export class AdminEnableUserUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(admin: AccessTokenClaims, userId: string, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ users, events, audit }) => {
      const user = await users.lock(userId);
      if (!user) throw new UserNotFoundError();
      // Enabling an enabled user is not an error, and emits nothing.
      if (!(await users.enable(userId))) return;
      await events.userEnabled(userId, now, `enabled by admin ${admin.sub}`);
      await audit.record({ userId, action: auditActions.userEnabled, ...byAdmin(admin, client), details: { disabled_at: user.disabledAt?.toISOString() ?? null } });
    });
  }
}
