/// <reference lib="dom" />
import { randomUUID } from "node:crypto";
import { TollgateClient, TollgateError } from "@tollgate/client";
import { waitFor, waitForMail, type SunkMail } from "@tollgate/test-harness";
import type { Browser } from "playwright-core";
import { inTerminal, personEnv, piped } from "./support/cli-terminal";
import { collectPageErrors, launchChromium } from "./support/docs-browser";
import { GATEWAY } from "./support/stack";

/** Where `npm start` runs the mail sink (infra/local/env/mail-sink.env); auth's SMTP_URL points at it. */
const MAIL_SINK = "http://127.0.0.1:8025";
const VERIFICATION = /^Confirm your e-mail address/;
const RESET = /^Reset your Tollgate password/;

const account = (name: string) => {
  const username = `${name}${randomUUID().slice(0, 8)}`;
  return { email: `${username}@example.test`, username, password: `pass ${randomUUID()}` };
};

/** The link a mail carries: to the gateway, the token in its fragment. */
function linkIn(mail: SunkMail, path: string): string {
  const match = new RegExp(`(${GATEWAY}${path}#token=[A-Za-z0-9_-]{43})\\n`).exec(mail.text ?? "");
  if (!match?.[1]) throw new Error(`no ${path} link in "${mail.subject}":\n${mail.text}`);
  return match[1];
}

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<TollgateError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );
  if (!("rejected" in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(TollgateError);
  return outcome.rejected as TollgateError;
}

/** Another service than auth: the token service refuses a revoked session once session.revoked reached it. */
async function purchaseStatus(accessToken: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${GATEWAY}/api/v1/tokens/purchase`, { method: "POST", headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" }, body: JSON.stringify({ duration_hours: 1 }) });
  const body = (await res.json()) as { error_code?: string };
  return { status: res.status, code: body.error_code };
}

describe("account recovery through the gateway, reading the mails from the npm start stack's mail sink", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("when a person registers, verifies the address from the mail's link in a browser, forgets the password and resets it from the reset mail in the CLI, then every old session is refused everywhere and only the new password logs in", async () => {
    const who = account("recover");
    const since = new Date();
    const laptop = new TollgateClient({ baseUrl: GATEWAY });
    await laptop.auth.register(who);
    await laptop.auth.login(who.username, who.password);
    const phone = new TollgateClient({ baseUrl: GATEWAY });
    await phone.auth.login(who.email, who.password);
    expect((await laptop.auth.me()).email_verified_at).toBeNull();
    expect((await laptop.account.sessions()).map((session) => session.current)).toEqual([false, true]);

    // The verification mail, sent at registration; its link opens a page on the gateway.
    const verification = await waitForMail(MAIL_SINK, who.email, { subject: VERIFICATION, since });
    expect(verification.from).toContain("no-reply@tollgate.localhost");
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(linkIn(verification, "/api/v1/auth/email/verify"));
    expect(page.url()).toBe(`${GATEWAY}/api/v1/auth/email/verify`); // the token left the address bar
    await page.getByRole("button", { name: "Confirm my e-mail address" }).click();
    await page.getByText("Your e-mail address is verified.").waitFor();
    expect(errors).toEqual([]);
    await page.close();
    expect((await laptop.auth.me()).email_verified_at).not.toBeNull();

    // Forgot the password: the CLI asks for the mail, then for its link and the new password.
    const env = personEnv();
    const newPassword = `new pass ${randomUUID()}`;
    const askedAt = new Date();
    const reset = inTerminal(["password", "reset", who.email], env);
    await reset.next(`If an account uses ${who.email}, a reset mail is on its way.`);
    await reset.next("The link from the reset mail (or the whole link):");
    const resetMail = await waitForMail(MAIL_SINK, who.email, { subject: RESET, since: askedAt });
    const resetLink = linkIn(resetMail, "/api/v1/auth/password/reset");
    reset.type(resetLink);
    await reset.next("Choose a password");
    reset.type(newPassword);
    await reset.next("Type it again");
    reset.type(newPassword);
    await reset.next("Your password is changed, and every session of the account is signed out.");
    expect(await reset.exited).toBe(0);
    expect(reset.raw()).not.toContain(newPassword);
    expect(reset.raw()).not.toContain(resetLink.split("#token=")[1]);

    // Both sessions are over: at auth at once, at the token service once session.revoked reached it.
    for (const client of [laptop, phone]) expect((await failure(client.auth.me())).code).toMatch(/^(SESSION_REVOKED|INVALID_REFRESH_TOKEN)$/);
    const oldAccess = await new TollgateClient({ baseUrl: GATEWAY }).auth.login(who.username, who.password).catch((error: unknown) => error);
    expect(oldAccess).toMatchObject({ status: 401, code: "INVALID_CREDENTIALS" });
    const fresh = new TollgateClient({ baseUrl: GATEWAY });
    await fresh.auth.login(who.username, newPassword);
    expect((await fresh.account.sessions()).map((session) => session.current)).toEqual([true]);
    // The link works once.
    const again = await failure(fresh.account.resetPassword(resetLink.split("#token=")[1] ?? "", `another ${randomUUID()}`));
    expect([again.status, again.code]).toEqual([400, "INVALID_RESET_TOKEN"]);
  });

  it("when a script passes the address and the mail's link together, then the CLI sets the password with that link and sends no other mail", async () => {
    const who = account("script");
    await new TollgateClient({ baseUrl: GATEWAY }).auth.register(who);
    const since = new Date();
    await new TollgateClient({ baseUrl: GATEWAY }).account.forgotPassword(who.email);
    const link = linkIn(await waitForMail(MAIL_SINK, who.email, { subject: RESET, since }), "/api/v1/auth/password/reset");
    const newPassword = `script pass ${randomUUID()}`;
    const reset = inTerminal(["password", "reset", who.email, "--token", link], { ...personEnv(), TOLLGATE_PASSWORD: newPassword });
    await reset.next("Your password is changed");
    expect(await reset.exited).toBe(0);
    await new TollgateClient({ baseUrl: GATEWAY }).auth.login(who.username, newPassword);
    const sunk = (await (await fetch(`${MAIL_SINK}/messages?to=${encodeURIComponent(who.email)}`)).json()) as { messages: { subject: string }[] };
    expect(sunk.messages.filter((mail) => RESET.test(mail.subject))).toHaveLength(1);
  });

  it("when the old sessions' access tokens are used at another service after a reset, then it refuses them too (session.revoked reached it)", async () => {
    const who = account("revoked");
    const client = new TollgateClient({ baseUrl: GATEWAY });
    await client.auth.register(who);
    await client.auth.login(who.username, who.password);
    await client.billing.devTopUp(5_000); // purchases are paid on the npm start stack
    const accessToken = await client.auth.accessToken();
    expect((await purchaseStatus(accessToken)).status).toBe(201);
    const since = new Date();
    await client.account.forgotPassword(who.email);
    const token = linkIn(await waitForMail(MAIL_SINK, who.email, { subject: RESET, since }), "/api/v1/auth/password/reset").split("#token=")[1] ?? "";
    await client.account.resetPassword(token, `new pass ${randomUUID()}`);
    const refused = await waitFor(async () => {
      const answer = await purchaseStatus(accessToken);
      return answer.status === 401 ? answer : undefined;
    }, { timeoutMs: 15_000, what: "the token service to refuse the reset account's old session" });
    expect(refused.code).toBe("SESSION_REVOKED");
  });

  it("when an address has no account, then forgot-password answers the same 202 and no mail is sent (a later request for a known address gets its mail first)", async () => {
    const nobody = `nobody${randomUUID().slice(0, 8)}@example.test`;
    const unknown = await fetch(`${GATEWAY}/api/v1/auth/password/forgot`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: nobody }) });
    const who = account("known");
    await new TollgateClient({ baseUrl: GATEWAY }).auth.register(who);
    const since = new Date();
    const known = await fetch(`${GATEWAY}/api/v1/auth/password/forgot`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: who.email }) });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect([await unknown.text(), await known.text()]).toEqual(["", ""]);
    // The relay sends in order: once the later request's mail is in, an earlier one would be too.
    await waitForMail(MAIL_SINK, who.email, { subject: RESET, since });
    const forNobody = (await (await fetch(`${MAIL_SINK}/messages?to=${encodeURIComponent(nobody)}`)).json()) as { messages: unknown[] };
    expect(forNobody.messages).toEqual([]);
  });

  it("when a person lists their sessions in the CLI, ends the others, then ends this one, then the other device is refused and the CLI is logged out", async () => {
    const who = account("sessions");
    const env = personEnv({ TOLLGATE_PASSWORD: who.password });
    expect(piped(["register", who.email, who.username], env).status).toBe(0);
    expect(piped(["login", who.username], env).status).toBe(0);
    const phone = new TollgateClient({ baseUrl: GATEWAY });
    await phone.auth.login(who.username, who.password);

    const list = inTerminal(["sessions"], env);
    const [, current] = await list.next(/([0-9a-f-]{36}) {2}this one {2}last used \S+ {2}127\.0\.0\.1 {2}tollgate-cli \(/);
    expect(await list.exited).toBe(0);
    expect(list.screen().trim().split("\n")).toHaveLength(2);
    expect(list.screen()).toMatch(/ {10}last used \S+ {2}127\.0\.0\.1 {2}tollgate-sdk {2}/); // the other device: the SDK

    const others = inTerminal(["sessions", "revoke-others"], env);
    await others.next("ended 1 other session; this one stays logged in");
    expect(await others.exited).toBe(0);
    expect((await failure(phone.auth.me())).code).toBe("SESSION_REVOKED");

    const unknown = piped(["sessions", "revoke", randomUUID()], env);
    expect([unknown.status, unknown.stderr]).toEqual([1, expect.stringContaining("No live session of yours has the id")]);
    const self = inTerminal(["sessions", "revoke", current ?? ""], env);
    await self.next(`session ${current} ended; it was this one, so you are logged out here`);
    expect(await self.exited).toBe(0);
    const me = piped(["me"], env);
    expect([me.status, me.stderr]).toEqual([1, expect.stringContaining("You are not logged in")]);
  });

  it("when a person asks the CLI for a new verification mail and gives it the link, then the address is verified, me says so, and the link does not work twice", async () => {
    const who = account("verify");
    const env = personEnv({ TOLLGATE_PASSWORD: who.password });
    expect(piped(["register", who.email, who.username], env).status).toBe(0);
    expect(piped(["login", who.username], env).status).toBe(0);
    expect(piped(["me"], env).stdout).toContain("e-mail not verified");

    const since = new Date();
    const resend = piped(["verify-email", "--resend"], env);
    expect([resend.status, resend.stdout]).toEqual([0, "A new verification mail is on its way; only its link works now.\n"]);
    const link = linkIn(await waitForMail(MAIL_SINK, who.email, { subject: VERIFICATION, since }), "/api/v1/auth/email/verify");
    const verify = piped(["verify-email", link], env);
    expect([verify.status, verify.stdout]).toEqual([0, "Your e-mail address is verified.\n"]);
    expect(piped(["me"], env).stdout).toContain("e-mail verified");
    const again = piped(["verify-email", link], env);
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining("That verification link is unknown, expired or already used")]);
    const malformed = piped(["verify-email", "not-a-token"], env);
    expect([malformed.status, malformed.stderr]).toEqual([2, expect.stringContaining("give the link from the mail")]);
  });

  it("when the reset link is opened in a browser, then the page sets the new password (asked twice) through the gateway, under its own content security policy", async () => {
    const who = account("page");
    const client = new TollgateClient({ baseUrl: GATEWAY });
    await client.auth.register(who);
    const since = new Date();
    await client.account.forgotPassword(who.email);
    const link = linkIn(await waitForMail(MAIL_SINK, who.email, { subject: RESET, since }), "/api/v1/auth/password/reset");
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const response = await page.goto(link);
    expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'none'; script-src 'sha256-/);
    const newPassword = `page pass ${randomUUID()}`;
    await page.getByLabel("New password").fill(newPassword);
    await page.getByLabel("The same again").fill(`${newPassword} typo`);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.getByText("The two passwords differ.").waitFor();
    await page.getByLabel("The same again").fill(newPassword);
    await page.getByRole("button", { name: "Set the new password" }).click();
    await page.getByText("Your password is changed").waitFor();
    expect(errors).toEqual([]);
    await page.close();
    await client.auth.login(who.email, newPassword);
    expect((await client.auth.me()).email_verified_at).not.toBeNull(); // the reset mail reached its owner
  });
});
