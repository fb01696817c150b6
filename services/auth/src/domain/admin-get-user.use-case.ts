import type { AccessTokenClaims, AdminUserDetail } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { Repositories } from "./unit-of-work.port";
import { UserNotFoundError } from "./auth-errors";
import { byAdmin, toAdminSession, toAdminUser } from "./admin-views";
import { toIdentityResponse } from "./oauth/list-identities.use-case";
import type { ClientInfo } from "./session-tokens";

/** Live sessions shown with a user; a user with more is better served by revoking them all. */
export const ADMIN_SESSIONS_SHOWN = 100;

/** An admin reads one account: the user, how they sign in, their live sessions. Audited. */
export class AdminGetUserUseCase {
  constructor(private readonly deps: { repos: Repositories }) {}

  async execute(admin: AccessTokenClaims, userId: string, client: ClientInfo): Promise<AdminUserDetail> {
    const { users, identities, sessions, audit } = this.deps.repos;
    const user = await users.findAdminRecord({ id: userId });
    if (!user) throw new UserNotFoundError();
    const [linked, live] = await Promise.all([identities.listForUser(userId), sessions.listLive(userId, ADMIN_SESSIONS_SHOWN)]);
    await audit.record({ userId, action: auditActions.userViewed, ...byAdmin(admin, client) });
    return { user: toAdminUser(user), has_password: user.hasPassword, identities: linked.map(toIdentityResponse), sessions: live.map(toAdminSession) };
  }
}
