import type { AccessTokenClaims, AdminUser, UserRole } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { LastAdminError } from "./admin-errors";
import { byAdmin, toAdminUser } from "./admin-views";
import { UserNotFoundError } from "./auth-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * An admin grants (`admin`) or removes (`user`) the admin role. A grant takes effect at the user's
 * next refresh or login. A removal revokes every session of the user (each with its
 * `session.revoked`), because their access tokens still say `admin` and the other services trust
 * them until they expire; they sign in again as a user. The only enabled admin keeps the role.
 */
export class AdminSetRoleUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(admin: AccessTokenClaims, userId: string, role: UserRole, client: ClientInfo): Promise<AdminUser> {
    const now = new Date();
    return this.deps.uow(async ({ users, sessions, events, audit }) => {
      await users.lockAdminRoles();
      const user = await users.lock(userId);
      if (!user) throw new UserNotFoundError();
      if (user.role === "admin" && role !== "admin" && !user.disabledAt && (await users.countActiveAdmins()) <= 1) throw new LastAdminError();
      // Setting the role a user already has changes nothing, and is not audited.
      if (await users.setRole(userId, role)) {
        if (role === "admin") {
          await audit.record({ userId, action: auditActions.roleGranted, ...byAdmin(admin, client), details: { role } });
        } else {
          const revoked = await sessions.revoke({ userId }, "admin", now);
          for (const sessionId of revoked) await events.sessionRevoked(userId, sessionId, "admin", now);
          await audit.record({ userId, action: auditActions.roleRemoved, ...byAdmin(admin, client), details: { role: "admin", revoked_sessions: revoked.length } });
        }
      }
      const updated = await users.findAdminRecord({ id: userId });
      if (!updated) throw new UserNotFoundError();
      return toAdminUser(updated);
    });
  }
}
