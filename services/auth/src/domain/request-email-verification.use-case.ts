import type { AccessTokenClaims } from "@tollgate/contracts";
import { RateLimitedError } from "@tollgate/service-kit";
import type { Repositories, UnitOfWork } from "./unit-of-work.port";
import { EmailAlreadyVerifiedError } from "./account-errors";
import type { AccountMailLimiter } from "./account-mail-limiter.port";
import { UserNotFoundError } from "./auth-errors";
import type { ClientInfo } from "./session-tokens";

/**
 * Another verification mail for the caller's address (the one sent at registration got lost or
 * expired). Only the newest mail's link works. Limited like reset requests: per address and per
 * IP (429 with Retry-After). The mail goes out from the mail outbox, after the commit.
 */
export class RequestEmailVerificationUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; repos: Repositories; limiter: AccountMailLimiter }) {}

  async execute(claims: AccessTokenClaims, client: ClientInfo): Promise<void> {
    const user = await this.deps.repos.users.findById(claims.sub);
    if (!user) throw new UserNotFoundError();
    if (user.emailVerifiedAt) throw new EmailAlreadyVerifiedError();
    const budget = await this.deps.limiter.take({ email: user.email, ip: client.ip ?? "unknown" });
    if (!budget.granted) throw new RateLimitedError(budget.retryAfterSeconds, "too many mails asked for; try again later");
    await this.deps.uow(({ accountMails }) => accountMails.enqueue({ kind: "email_verification", userId: user.id, email: user.email }, new Date()));
  }
}
