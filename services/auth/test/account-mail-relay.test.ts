import { createServer } from "node:net";
import { startMailSinkProcess, waitFor, waitForMail, type MailSinkProcess } from "@tollgate/test-harness";
import { SmtpMailSender } from "../src/data/smtp-mail.sender";
import { AccountMailRelay, accountMailSettings } from "../src/messaging/account-mail.relay";
import { dropQueuedMails, MAIL_SUBJECTS, tokenIn } from "./account-support";
import { call, Canaries, expectNoCanaryInLogs, newAccount, startAuth, type AuthFixture } from "./support";

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the account mail relay", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;
  let sink: MailSinkProcess;
  const relays: AccountMailRelay[] = [];

  beforeAll(async () => {
    sink = await startMailSinkProcess();
    fx = await startAuth({ SMTP_URL: sink.smtpUrl });
    await dropQueuedMails(fx.knex);
  });

  afterEach(async () => {
    // A test that failed must not leave its relay sending (or failing) the next test's mails.
    for (const relay of relays.splice(0)) await relay.stop();
  });

  afterAll(async () => {
    await fx.close();
    await sink.stop();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  function relayTo(smtpUrl: string, options: { maxAttempts?: number } = {}): AccountMailRelay {
    const sender = new SmtpMailSender({ url: smtpUrl, from: fx.config.MAIL_FROM, timeoutMs: 2_000 });
    const relay = new AccountMailRelay({ knex: fx.knex, sender, mail: accountMailSettings(fx.config), logger: fx.logger, pollIntervalMs: 50, minBackoffMs: 100, maxBackoffMs: 200, ...options });
    relays.push(relay);
    return relay;
  }

  async function register(): Promise<{ email: string; userId: string }> {
    const account = newAccount(canaries);
    const registered = await call<{ id: string }>(fx, "POST", "/api/v1/auth/register", { body: account });
    expect(registered.status).toBe(201);
    return { email: account.email, userId: registered.body.id };
  }

  it("when the SMTP server cannot be reached, then the mail waits (attempts counted, no token kept) and goes out once a server answers", async () => {
    const user = await register();
    const down = relayTo(`smtp://127.0.0.1:${await closedPort()}`);
    down.start();
    const mailRow = () => fx.knex("account_mails").where({ user_id: user.userId }).first();
    await waitFor(async () => ((await mailRow())?.attempts >= 2 ? true : undefined), { timeoutMs: 20_000, what: "two failed attempts" });
    await down.stop();
    const waiting = await mailRow();
    expect([waiting.sent_at, waiting.dropped_at]).toEqual([null, null]);
    expect(waiting.last_error).toMatch(/ECONNREFUSED/);
    expect(await fx.knex("account_tokens").where({ user_id: user.userId })).toEqual([]);

    // The next attempt is due within the back-off; a relay that reaches the sink sends it.
    const since = new Date(0);
    const up = relayTo(sink.smtpUrl);
    up.start();
    const mail = await waitForMail(sink.httpUrl, user.email, { subject: MAIL_SUBJECTS.email_verification, since });
    canaries.add(tokenIn(mail));
    // Marked sent in the transaction that held the mail, just after the server took it.
    const sent = await waitFor(async () => ((await mailRow())?.sent_at ? mailRow() : undefined), { timeoutMs: 20_000, what: "the mail to be marked sent" });
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    expect(await fx.knex("account_tokens").where({ user_id: user.userId })).toHaveLength(1);
    await up.stop();
  });

  it("when every attempt fails, then the mail is given up after the last one, with an error log and an account_mail_failed audit row", async () => {
    const user = await register();
    const down = relayTo(`smtp://127.0.0.1:${await closedPort()}`, { maxAttempts: 2 });
    down.start();
    await waitFor(async () => ((await fx.knex("account_mails").where({ user_id: user.userId }).first())?.dropped_at ? true : undefined), { timeoutMs: 20_000, what: "the mail to be given up" });
    await down.stop();
    const [audit] = await fx.knex("audit_logs").where({ user_id: user.userId, action: "account_mail_failed" });
    expect(audit.details).toMatchObject({ kind: "email_verification", attempts: 2 });
    expect(fx.capture.lines.some((line) => line.includes('"level":"error"') && line.includes("account mail given up") && line.includes(user.userId))).toBe(true);
  });

  it("when a queued mail is no longer wanted (the address verified or changed meanwhile), then it is dropped, not sent", async () => {
    const verified = await register();
    await fx.knex("users").where({ id: verified.userId }).update({ email_verified_at: new Date() });
    const moved = await register();
    await fx.knex("users").where({ id: moved.userId }).update({ email: `moved.${moved.email}` });
    const relay = relayTo(sink.smtpUrl);
    relay.start();
    const dropped = async (userId: string) => (await fx.knex("account_mails").where({ user_id: userId }).first())?.last_error as string | null;
    await waitFor(async () => ((await dropped(verified.userId)) && (await dropped(moved.userId)) ? true : undefined), { timeoutMs: 20_000, what: "both mails to be dropped" });
    await relay.stop();
    expect([await dropped(verified.userId), await dropped(moved.userId)]).toEqual(["the address is verified already", "the account's address changed"]);
    for (const email of [verified.email, moved.email]) {
      const res = await fetch(`${sink.httpUrl}/messages?to=${encodeURIComponent(email)}`);
      expect(((await res.json()) as { messages: unknown[] }).messages).toEqual([]);
    }
  });

  it("when two relays run against one database, then each mail is sent once", async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await register());
    const [a, b] = [relayTo(sink.smtpUrl), relayTo(sink.smtpUrl)];
    a.start();
    b.start();
    for (const user of users) canaries.add(tokenIn(await waitForMail(sink.httpUrl, user.email, { subject: MAIL_SUBJECTS.email_verification })));
    await Promise.all([a.stop(), b.stop()]);
    for (const user of users) {
      const res = await fetch(`${sink.httpUrl}/messages?to=${encodeURIComponent(user.email)}`);
      expect(((await res.json()) as { messages: unknown[] }).messages).toHaveLength(1);
    }
  });
});
