import type { AccessTokenClaims, ChangePasswordRequest } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { Repositories, UnitOfWork } from "./unit-of-work.port";
import { InvalidCredentialsError, NoPasswordSetError, UserNotFoundError, WeakPasswordError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import type { PasswordPolicy } from "./password-policy";
import type { ClientInfo } from "./session-tokens";
import type { ThrottledPasswordCheck } from "./throttled-password-check";

export class ChangePasswordUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; repos: Repositories; hasher: PasswordHasher; policy: PasswordPolicy; passwordCheck: ThrottledPasswordCheck }) {}

  async execute(claims: AccessTokenClaims, input: ChangePasswordRequest, client: ClientInfo): Promise<void> {
    const user = await this.deps.repos.users.findById(claims.sub);
    if (!user) throw new UserNotFoundError();
    // The caller holds this account's access token, so saying that it has no password leaks nothing.
    if (user.passwordHash === null) throw new NoPasswordSetError();
    // A stolen access token must not become an oracle for the password: same budgets as login. With
    // a second factor on, a right password does not forgive the account's failures here either, or
    // a change refused afterwards (a weak new password) would reset the budget of guessed codes.
    const keepAccountFailures = await this.deps.repos.totpAuthenticators.isConfirmed(user.id);
    const { valid, locks } = await this.deps.passwordCheck.check({ accountKey: `user:${user.id}`, ip: client.ip ?? "unknown" }, user.passwordHash, input.current_password, { keepAccountFailures });
    if (!valid) {
      for (const lock of locks) {
        await this.deps.repos.audit.record({ userId: user.id, action: auditActions.lockout, ip: client.ip, userAgent: client.userAgent, details: { ...lock, via: "password_change" } });
      }
      throw new InvalidCredentialsError();
    }
    const verdict = await this.deps.policy.check(input.new_password, { email: user.email, username: user.username });
    if (!verdict.ok) throw new WeakPasswordError("new_password", verdict.reason);
    const hash = await this.deps.hasher.hash(input.new_password);
    const now = new Date();
    await this.deps.uow(async ({ users, sessions, events, audit }) => {
      // The row lock orders this change against a login writing its session (which holds the
      // same row): a session committed first is revoked below, one attempted later is refused.
      const current = await users.lock(user.id);
      if (!current) throw new UserNotFoundError();
      // The current password was checked against the hash read before argon2. If another change
      // committed since, that was not the current password any more: two changes that both knew
      // the old password must not both succeed, the later silently replacing the earlier.
      if (current.passwordChangedAt?.getTime() !== user.passwordChangedAt?.getTime()) throw new InvalidCredentialsError();
      await users.updatePassword(user.id, hash, now);
      const revoked = input.revoke_other_sessions ? await sessions.revoke({ userId: user.id, exceptId: claims.sid }, "password_change", now) : [];
      for (const sessionId of revoked) await events.sessionRevoked(user.id, sessionId, "password_change", now);
      await audit.record({ userId: user.id, action: auditActions.passwordChange, ip: client.ip, userAgent: client.userAgent, details: { revoked_sessions: revoked.length } });
    });
  }
}
