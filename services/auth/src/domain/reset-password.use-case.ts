import type { ResetPasswordRequest } from "@tollgate/contracts";
import { auditActions } from "./audit-log.port";
import type { Repositories, UnitOfWork } from "./unit-of-work.port";
import { InvalidResetTokenError } from "./account-errors";
import { WeakPasswordError } from "./auth-errors";
import type { PasswordHasher } from "./password-hasher";
import type { PasswordPolicy } from "./password-policy";
import { tokenSha256 } from "./refresh-token";
import type { ClientInfo } from "./session-tokens";

/**
 * Completes a reset: the new password must pass the password policy (422 WEAK_PASSWORD leaves the
 * token usable, so the user can try another), then in one transaction the token is used (once:
 * a conditional UPDATE), the password set, every session of the account revoked (each with
 * `session.revoked`, reason `password_reset`), the account's other reset tokens expired, and the
 * address marked verified (the mail reached its owner). Unknown, expired or used token, or an
 * account disabled since the mail was sent: 400 INVALID_RESET_TOKEN.
 */
export class ResetPasswordUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; repos: Repositories; hasher: PasswordHasher; policy: PasswordPolicy }) {}

  async execute(input: ResetPasswordRequest, client: ClientInfo): Promise<void> {
    const hash = tokenSha256(input.token);
    const found = await this.deps.repos.accountTokens.findLive(hash, "password_reset", new Date());
    const user = found && (await this.deps.repos.users.findById(found.userId));
    // A disabled account is not reset (the link may predate the disable): the same answer as a dead link.
    if (!found || !user || user.disabledAt !== null) throw new InvalidResetTokenError();
    const verdict = await this.deps.policy.check(input.new_password, { email: user.email, username: user.username });
    if (!verdict.ok) throw new WeakPasswordError("new_password", verdict.reason);
    const passwordHash = await this.deps.hasher.hash(input.new_password);
    const now = new Date();
    await this.deps.uow(async ({ accountTokens, users, sessions, events, audit }) => {
      // Checked again here, atomically: the same link opened twice sets one password.
      const record = await accountTokens.consume(hash, "password_reset", now);
      if (!record) throw new InvalidResetTokenError();
      // The row lock orders this against a login writing its session: one that committed first is revoked below.
      const current = await users.lock(record.userId);
      if (!current || current.disabledAt !== null) throw new InvalidResetTokenError();
      await users.updatePassword(current.id, passwordHash, now);
      const verified = await users.markEmailVerified(current.id, record.email, now);
      const revoked = await sessions.revoke({ userId: current.id }, "password_reset", now);
      for (const sessionId of revoked) await events.sessionRevoked(current.id, sessionId, "password_reset", now);
      await accountTokens.expireUnused(current.id, "password_reset", now);
      await audit.record({ userId: current.id, action: auditActions.passwordReset, ip: client.ip, userAgent: client.userAgent, details: { revoked_sessions: revoked.length, email_verified: verified } });
    });
  }
}
