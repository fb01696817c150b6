import type { AccessTokenClaims } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { LastAdminError } from "./admin-errors";
import { byAdmin } from "./admin-views";
import { UserNotFoundError } from "./auth-errors";
import type { ClientInfo } from "./session-tokens";

/** An admin disables a user: every session is revoked, and `user.disabled` tells the token service to revoke their tokens. */
export class DisableUserUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  /** Refused with LAST_ADMIN for the only enabled admin (an admin disabling themselves, in practice). */
  async execute(admin: AccessTokenClaims, userId: string, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ users, sessions, events, audit }) => {
      // Before the row lock, as every change that can take the admin role from an account takes them.
      await users.lockAdminRoles();
      // The row lock orders this disable against a login writing its session (which holds the
      // same row): a session committed first is revoked below, one attempted later is refused.
      const user = await users.lock(userId);
      if (!user) throw new UserNotFoundError();
      if (user.role === "admin" && !user.disabledAt && (await users.countActiveAdmins()) <= 1) throw new LastAdminError();
      // Disabling twice is not an error, and emits nothing new.
      if (!(await users.disable(userId, now))) return;
      const revoked = await sessions.revoke({ userId }, "user_disabled", now);
      for (const sessionId of revoked) await events.sessionRevoked(userId, sessionId, "user_disabled", now);
      await events.userDisabled(userId, now, `disabled by admin ${admin.sub}`);
      await audit.record({ userId, action: auditActions.userDisabled, ...byAdmin(admin, client), details: { by: admin.sub, revoked_sessions: revoked.length } });
    });
  }
}
