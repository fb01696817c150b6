/** One mail to one address, as text and simple HTML (the same content). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends a mail, or throws (the caller keeps it for a later attempt). The adapter: SmtpMailSender. */
export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}
