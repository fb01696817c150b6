import { MessageStore, type NewSunkMessage } from "./message-store";

const mail = (to: string, subject: string): NewSunkMessage => ({
  envelope_from: "sender@example.test",
  envelope_to: [to],
  from: "Sender <sender@example.test>",
  to: [to],
  subject,
  message_id: null,
  text: subject,
  html: null,
});

describe("MessageStore", () => {
  it("when more mails arrive than it keeps, then the oldest are pushed out and the newest come first", () => {
    const store = new MessageStore(3);
    for (let i = 1; i <= 5; i++) store.add(mail("a@example.test", `mail ${i}`));
    expect(store.list().map((m) => m.subject)).toEqual(["mail 5", "mail 4", "mail 3"]);
    expect(store.size).toBe(3);
  });

  it("when listed by recipient, then only that address's mails come back, case-insensitively, up to the limit", () => {
    const store = new MessageStore(10);
    store.add(mail("ada@example.test", "one"));
    store.add(mail("grace@example.test", "two"));
    store.add(mail("ada@example.test", "three"));
    expect(store.list({ to: "ADA@example.test" }).map((m) => m.subject)).toEqual(["three", "one"]);
    expect(store.list({ to: "ada@example.test", limit: 1 }).map((m) => m.subject)).toEqual(["three"]);
    expect(store.list({ to: "nobody@example.test" })).toEqual([]);
  });

  it("when a mail is looked up by id or the store is cleared, then get finds it and clear forgets all", () => {
    const store = new MessageStore(10);
    const kept = store.add(mail("ada@example.test", "one"), new Date("2026-11-30T10:00:00.000Z"));
    expect(store.get(kept.id)).toEqual(kept);
    expect(kept.received_at).toBe("2026-11-30T10:00:00.000Z");
    expect(store.clear()).toBe(1);
    expect(store.get(kept.id)).toBeUndefined();
  });

  it("when the capacity is not a positive integer, then the constructor refuses it", () => {
    expect(() => new MessageStore(0)).toThrow(RangeError);
    expect(() => new MessageStore(1.5)).toThrow(RangeError);
  });
});
