import { startMailSinkProcess, waitForMail, type MailSinkProcess, type SunkMail } from "@tollgate/test-harness";
import type { Knex } from "knex";
import { SmtpMailSender } from "../src/data/smtp-mail.sender";
import { AccountMailRelay, accountMailSettings } from "../src/messaging/account-mail.relay";
import { startAuth, type AuthFixture } from "./support";

export const MAIL_SUBJECTS = { email_verification: /^Confirm your e-mail address/, password_reset: /^Reset your Tollgate password/ } as const;

export interface AccountFixture {
  auth: AuthFixture;
  sink: MailSinkProcess;
  relay: AccountMailRelay;
  /** The newest mail of `kind` to `to` received at or after `since`, waiting for it. */
  mail(to: string, kind: keyof typeof MAIL_SUBJECTS, since: Date): Promise<SunkMail>;
  close(): Promise<void>;
}

/** The token a mail carries: in the link's fragment, and in the CLI command (the same value). */
export function tokenIn(mail: SunkMail): string {
  const match = /#token=([A-Za-z0-9_-]{43})\n/.exec(mail.text ?? "");
  if (!match?.[1]) throw new Error(`no token in the mail "${mail.subject}":\n${mail.text}`);
  return match[1];
}

/** The payload of a JWT, unverified (the service made it; the tests read its claims). */
export const jwtClaims = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

/**
 * Mails still queued in the shared test database come from other files and earlier runs (the
 * auth fixture of other services registers users without a relay): a relay starting here would
 * send those first. They are marked dropped, so each file sends only its own.
 */
export async function dropQueuedMails(knex: Knex): Promise<void> {
  await knex("account_mails").whereNull("sent_at").whereNull("dropped_at").update({ dropped_at: knex.fn.now(), last_error: "test: queued before this file's relay" });
}

/** The auth app with its mail relay sending to a mail sink of its own (packages/mail-sink, as a process). */
export async function startAccountFixture(overrides: Record<string, string> = {}): Promise<AccountFixture> {
  const sink = await startMailSinkProcess();
  const auth = await startAuth({ SMTP_URL: sink.smtpUrl, PUBLIC_BASE_URL: "https://tollgate.example.test", ...overrides });
  await dropQueuedMails(auth.knex);
  const sender = new SmtpMailSender({ url: auth.config.SMTP_URL, from: auth.config.MAIL_FROM, timeoutMs: 5_000 });
  const relay = new AccountMailRelay({ knex: auth.knex, sender, mail: accountMailSettings(auth.config), logger: auth.logger, pollIntervalMs: 50 });
  relay.start();
  return {
    auth,
    sink,
    relay,
    mail: (to, kind, since) => waitForMail(sink.httpUrl, to, { subject: MAIL_SUBJECTS[kind], since }),
    async close() {
      await relay.stop();
      sender.close();
      await auth.close();
      await sink.stop();
    },
  };
}
