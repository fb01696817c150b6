import { randomUUID } from "node:crypto";

/** One mail as the sink received and parsed it; what `GET /messages` serves. */
export interface SunkMessage {
  id: string;
  /** ISO 8601, when the SMTP transaction ended. */
  received_at: string;
  /** The envelope's sender (MAIL FROM), lower-case; null for a bounce (`MAIL FROM:<>`). */
  envelope_from: string | null;
  /** The envelope's recipients (RCPT TO), lower-case: who the mail was delivered to, Bcc included. */
  envelope_to: string[];
  /** The `From` header as written, e.g. `Tollgate <no-reply@tollgate.localhost>`. */
  from: string | null;
  /** The `To` header's addresses, lower-case. */
  to: string[];
  subject: string | null;
  message_id: string | null;
  /** The text/plain part; null when the mail had none. */
  text: string | null;
  /** The text/html part; null when the mail had none. */
  html: string | null;
}

export type NewSunkMessage = Omit<SunkMessage, "id" | "received_at">;

/**
 * The last `capacity` mails, in memory, newest first. A mail past the capacity pushes the oldest
 * out: the sink is for reading what was just sent, not an archive.
 */
export class MessageStore {
  private messages: SunkMessage[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  add(message: NewSunkMessage, receivedAt = new Date()): SunkMessage {
    const stored: SunkMessage = { id: randomUUID(), received_at: receivedAt.toISOString(), ...message };
    this.messages.unshift(stored);
    if (this.messages.length > this.capacity) this.messages.length = this.capacity;
    return stored;
  }

  /** Newest first; `to` matches an envelope recipient or a `To` address, case-insensitively. */
  list(filter: { to?: string; limit?: number } = {}): SunkMessage[] {
    const to = filter.to?.toLowerCase();
    const matching = to === undefined ? this.messages : this.messages.filter((message) => message.envelope_to.includes(to) || message.to.includes(to));
    return matching.slice(0, filter.limit ?? matching.length);
  }

  get(id: string): SunkMessage | undefined {
    return this.messages.find((message) => message.id === id);
  }

  /** Forgets every mail; returns how many there were. */
  clear(): number {
    const count = this.messages.length;
    this.messages = [];
    return count;
  }

  get size(): number {
    return this.messages.length;
  }
}
