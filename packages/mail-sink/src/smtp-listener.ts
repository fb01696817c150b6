import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { MessageStore, NewSunkMessage } from "./message-store";

/** Largest mail accepted, in bytes (a bigger one is refused with 552 before it is stored). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const addressesOf = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : [])));

/**
 * An SMTP server that accepts every mail from anyone, for anyone: no AUTH, no STARTTLS (plain
 * SMTP on a loopback port, as a local sink is reached), each mail parsed with mailparser and kept
 * in `store`. Never relays anything anywhere.
 */
export function createSmtpListener(store: MessageStore, onError: (error: Error) => void): SMTPServer {
  const server = new SMTPServer({
    name: "tollgate-mail-sink",
    banner: "Tollgate mail sink: accepts everything, delivers nothing",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const envelope = session.envelope;
      simpleParser(stream)
        .then((parsed) => {
          // smtp-server sets sizeExceeded once the stream passed `size`; the client gets 552.
          if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
            callback(Object.assign(new Error(`message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 }));
            return;
          }
          const message: NewSunkMessage = {
            envelope_from: envelope.mailFrom ? envelope.mailFrom.address.toLowerCase() || null : null,
            envelope_to: envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
            from: parsed.from?.text ?? null,
            to: addressesOf(parsed.to),
            subject: parsed.subject ?? null,
            message_id: parsed.messageId ?? null,
            text: parsed.text ?? null,
            html: typeof parsed.html === "string" ? parsed.html : null,
          };
          store.add(message);
          callback();
        })
        .catch((error: unknown) => {
          callback(Object.assign(new Error("message could not be parsed"), { responseCode: 554 }));
          onError(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });
  server.on("error", onError);
  return server;
}
