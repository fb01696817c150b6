import nodemailer, { type Transporter } from "nodemailer";
import type { MailSender, OutgoingMail } from "../domain/mail-sender.port";

export interface SmtpSettings {
  /**
   * `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it; `?requireTLS=true`
   * refuses a server that does not) or `smtps://…` (TLS from the first byte, port 465 by default).
   */
  url: string;
  /** The From header, e.g. `Tollgate <no-reply@example.com>`. */
  from: string;
  /** Limit on connecting, on the server's greeting, and on each silence in between (ms). */
  timeoutMs: number;
}

/** nodemailer's SMTP transport options from the URL: host, port, TLS mode and credentials. */
export function smtpTransportOptions(settings: SmtpSettings) {
  const url = new URL(settings.url);
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: url.searchParams.get("requireTLS") === "true",
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  };
}

/** Sends over SMTP with nodemailer, one connection per mail (account mails are few). */
export class SmtpMailSender implements MailSender {
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    this.transport = nodemailer.createTransport(smtpTransportOptions(settings));
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.settings.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // RFC 3834: an automatic mail; auto-responders must not answer it.
      headers: { "Auto-Submitted": "auto-generated" },
    });
  }

  close(): void {
    this.transport.close();
  }
}
