import type { Logger } from "@tollgate/service-kit";
import type { Knex } from "knex";
import { AccountMailRepository } from "../data/account-mail.repository";
import { AccountTokenRepository } from "../data/account-token.repository";
import { AuditLogRepository } from "../data/audit-log.repository";
import { UserRepository } from "../data/user.repository";
import type { PendingAccountMail } from "../domain/account-mail.repository.port";
import { auditActions } from "../domain/audit-log.port";
import { composeAccountMail, type AccountMailSettings } from "../domain/account-mails";
import { newAccountToken } from "../domain/account-token";
import type { MailSender } from "../domain/mail-sender.port";
import { tokenSha256 } from "../domain/refresh-token";

export interface AccountMailRelayOptions {
  /** A pool of at least two connections: one holds the mail's lock while the other commits its token. */
  knex: Knex;
  sender: MailSender;
  mail: AccountMailSettings;
  logger: Logger;
  /** How often to look for mails to send when there were none (ms). */
  pollIntervalMs?: number;
  /** Attempts per mail before it is given up (audited as `account_mail_failed`). */
  maxAttempts?: number;
  /** Wait after a failed attempt: doubles from `minBackoffMs` up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const SENT_ACTIONS = { email_verification: auditActions.emailVerificationSent, password_reset: auditActions.passwordResetSent } as const;
const CLEANUP_EVERY_MS = 3600_000;
const KEEP_FINISHED_MS = 7 * 24 * 3600_000;

type Outcome = "sent" | "failed" | "dropped" | "none";

/**
 * Sends the verification and reset mails that `account_mails` holds, oldest first, one
 * transaction per mail: claim the row (FOR UPDATE SKIP LOCKED, so instances share the work and
 * never send one mail twice), make the token (only its SHA-256 is stored; the account's older
 * unused tokens of that kind stop working), send over SMTP, mark sent and audit it. A failed send
 * deletes the token and tries again later (1 s doubling to 5 min, 10 attempts, about 15 min);
 * SMTP down means mails wait, as events wait for Kafka. A mail no longer wanted (the account gone,
 * disabled, its address changed, or already verified) is dropped.
 */
export class AccountMailRelay {
  private readonly log: Logger;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastCleanup = 0;

  constructor(private readonly options: AccountMailRelayOptions) {
    this.log = options.logger.child({ component: "account-mail-relay" });
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.minBackoffMs = options.minBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 300_000;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the mail in hand (its SMTP time-out bounds it), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let outcome: Outcome = "none";
      try {
        await this.cleanUp();
        outcome = await this.sendNext();
      } catch (error) {
        // Postgres away: nothing was sent or lost; look again after a pause.
        this.log.warn("account mails could not be read", { error: error instanceof Error ? error.message : String(error) });
      }
      if (outcome === "none" && !this.stopping) await this.pause(this.pollIntervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /** One mail: sent, failed (kept for later), dropped, or none due. */
  async sendNext(): Promise<Outcome> {
    return this.options.knex.transaction(async (trx) => {
      const mails = new AccountMailRepository(trx);
      const now = new Date();
      const mail = await mails.claimNext(now);
      if (!mail) return "none";
      const user = await new UserRepository(trx).findById(mail.userId);
      const unwanted = !user || user.disabledAt ? "the account is disabled or gone" : user.email.toLowerCase() !== mail.email.toLowerCase() ? "the account's address changed" : mail.kind === "email_verification" && user.emailVerifiedAt ? "the address is verified already" : undefined;
      if (unwanted || !user) {
        await mails.drop(mail.id, unwanted ?? "", now);
        this.log.info("account mail dropped", { mail_id: mail.id, kind: mail.kind, user_id: mail.userId, reason: unwanted });
        return "dropped";
      }
      // The token is committed before the mail leaves (on a connection of its own, while this
      // transaction keeps the mail locked): a link followed the moment it arrives must work.
      const token = newAccountToken();
      const hash = tokenSha256(token);
      await this.options.knex.transaction(async (own) => {
        const tokens = new AccountTokenRepository(own);
        await tokens.expireUnused(user.id, mail.kind, now);
        await tokens.insert({ tokenSha256: hash, userId: user.id, purpose: mail.kind, email: mail.email, createdAt: now, expiresAt: new Date(now.getTime() + this.options.mail.ttlSeconds[mail.kind] * 1000) });
      });
      try {
        await this.options.sender.send(composeAccountMail(mail.kind, { email: mail.email, username: user.username }, token, this.options.mail));
      } catch (error) {
        // Nobody has this token; the next attempt makes another.
        await new AccountTokenRepository(this.options.knex).delete(hash);
        await this.failed(trx, mail, error instanceof Error ? error.message : String(error), now);
        return "failed";
      }
      await mails.markSent(mail.id, now);
      await new AuditLogRepository(trx).record({ userId: user.id, action: SENT_ACTIONS[mail.kind], details: { mail_id: mail.id, email: mail.email } });
      this.log.info("account mail sent", { mail_id: mail.id, kind: mail.kind, user_id: user.id, attempts: mail.attempts + 1 });
      return "sent";
    });
  }

  private async failed(trx: Knex.Transaction, mail: PendingAccountMail, reason: string, now: Date): Promise<void> {
    const mails = new AccountMailRepository(trx);
    const attempts = mail.attempts + 1;
    if (attempts >= this.maxAttempts) {
      await mails.drop(mail.id, `gave up after ${attempts} attempts: ${reason}`, now);
      await new AuditLogRepository(trx).record({ userId: mail.userId, action: auditActions.accountMailFailed, details: { mail_id: mail.id, kind: mail.kind, attempts, error: reason.slice(0, 200) } });
      this.log.error("account mail given up", { mail_id: mail.id, kind: mail.kind, user_id: mail.userId, attempts, error: reason });
      return;
    }
    const delayMs = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** (attempts - 1));
    await mails.recordFailure(mail.id, reason, new Date(now.getTime() + delayMs));
    this.log.warn("account mail not sent; will try again", { mail_id: mail.id, kind: mail.kind, attempts, retry_in_ms: delayMs, error: reason });
  }

  private async cleanUp(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    const before = new Date(Date.now() - KEEP_FINISHED_MS);
    await new AccountMailRepository(this.options.knex).deleteFinished(before);
    await new AccountTokenRepository(this.options.knex).deleteExpired(before);
  }
}

/** The mail settings from the service's configuration. */
export function accountMailSettings(config: { PUBLIC_BASE_URL: string; EMAIL_VERIFICATION_TTL_SECONDS: number; PASSWORD_RESET_TTL_SECONDS: number }): AccountMailSettings {
  return { publicBaseUrl: config.PUBLIC_BASE_URL, ttlSeconds: { email_verification: config.EMAIL_VERIFICATION_TTL_SECONDS, password_reset: config.PASSWORD_RESET_TTL_SECONDS } };
}
