import { auditActions } from "./audit-log.port";
import type { UnitOfWork } from "./unit-of-work.port";
import { tokenSha256 } from "./refresh-token";
import { InvalidVerificationTokenError } from "./account-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * Redeems a verification token: the account's address is verified if it is still the address the
 * mail went to. The token works once; unknown, expired, used or for a changed address: one answer,
 * 400 INVALID_VERIFICATION_TOKEN. Access JWTs issued from now on carry `email_verified: true`.
 */
export class VerifyEmailUseCase {
  constructor(private readonly deps: { uow: UnitOfWork }) {}

  async execute(token: string, client: ClientInfo): Promise<void> {
    const now = new Date();
    await this.deps.uow(async ({ accountTokens, users, audit }) => {
      const record = await accountTokens.consume(tokenSha256(token), "email_verification", now);
      if (!record) throw new InvalidVerificationTokenError();
      const user = await users.lock(record.userId);
      // The address changed since the mail: proving the old one proves nothing (the consume rolls back with this throw).
      if (!user || user.email.toLowerCase() !== record.email.toLowerCase()) throw new InvalidVerificationTokenError();
      if (user.emailVerifiedAt) return;
      await users.markEmailVerified(user.id, record.email, now);
      await audit.record({ userId: user.id, action: auditActions.emailVerified, ip: client.ip, userAgent: client.userAgent, details: { email: user.email } });
    });
  }
}
