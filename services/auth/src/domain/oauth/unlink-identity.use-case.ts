import type { AccessTokenClaims } from "@tollgate/contracts";
import { auditActions } from "../audit-log.port";
import { IdentityNotFoundError, LastSignInMethodError, UserNotFoundError } from "../auth-errors";
import type { ClientInfo } from "../session-tokens";
import type { UnitOfWork } from "../unit-of-work.port";

/**
 * Removes a provider from the caller's account, unless it is the account's last way to sign in (no
 * password and no other identity). The user row is locked, so two unlinks racing on an account with
 * two identities cannot both pass the check and leave it with none.
 */
export class UnlinkIdentityUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(claims: AccessTokenClaims, provider: string, client: ClientInfo): Promise<void> {
    await this.deps.uow(async ({ users, identities, audit }) => {
      const user = await users.lock(claims.sub);
      if (!user) throw new UserNotFoundError();
      const linked = await identities.listForUser(user.id);
      if (!linked.some((identity) => identity.provider === provider)) throw new IdentityNotFoundError();
      if (user.passwordHash === null && linked.length <= 1) throw new LastSignInMethodError();
      await identities.delete(user.id, provider);
      await audit.record({ userId: user.id, action: auditActions.oauthUnlink, ip: client.ip, userAgent: client.userAgent, details: { provider } });
    });
  }
}
