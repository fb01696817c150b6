import { errorBodySchema, eventTypes } from "@tollgate/contracts";
import { EventCollector, waitFor } from "@tollgate/test-harness";
import { startAccountFixture, tokenIn, type AccountFixture } from "./account-support";
import { call, Canaries, expectNoCanaryInLogs, newAccount, registerAndLogin } from "./support";

type Event = { type: string; data: { session_id: string; user_id: string; reason: string } };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe("password reset", () => {
  const canaries = new Canaries();
  let fx: AccountFixture;
  let collector: EventCollector;

  beforeAll(async () => {
    fx = await startAccountFixture({ ACCOUNT_MAIL_ADDRESS_MAX: "3", ACCOUNT_MAIL_IP_MAX: "12" });
    await fx.auth.startRelay();
    collector = await new EventCollector([fx.auth.authEventsTopic]).start();
  });

  afterAll(async () => {
    await collector.stop();
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.auth.capture);
  });

  /** Asks for a reset mail (from `ip`) and resolves its token. */
  async function resetToken(email: string, ip = "203.0.113.9"): Promise<string> {
    const since = new Date();
    const asked = await call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body: { email }, headers: { "x-forwarded-for": ip } });
    expect(asked.status).toBe(202);
    return canaries.add(tokenIn(await fx.mail(email, "password_reset", since)));
  }

  const revocationsOf = (userId: string) => collector.values<Event>().filter((event) => event.type === eventTypes.sessionRevoked && event.data.user_id === userId);
  const newPassword = () => canaries.add(`canary-new-pw-${Math.random().toString(36).slice(2)}-Zq8!`);

  it("when a user resets their password from the mail, then every old session is refused with session.revoked (password_reset), only the new password logs in, and the address counts as verified", async () => {
    const user = await registerAndLogin(fx.auth, canaries);
    const second = await call<{ access_token: string; refresh_token: string }>(fx.auth, "POST", "/api/v1/auth/login", { body: { login: user.account.email, password: user.account.password } });
    canaries.addTokens(second.body);
    // Addresses compare case-insensitively, as at registration.
    const token = await resetToken(user.account.email.toUpperCase());
    const password = newPassword();

    const reset = await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: password } });
    expect(reset.status).toBe(204);

    for (const session of [user.tokens, second.body]) {
      const me = await call(fx.auth, "GET", "/api/v1/users/me", { token: session.access_token });
      expect([me.status, errorBodySchema.parse(me.body).error_code]).toEqual([401, "SESSION_REVOKED"]);
      expect((await call(fx.auth, "POST", "/api/v1/auth/refresh", { body: { refresh_token: session.refresh_token } })).status).toBe(401);
    }
    const events = await waitFor(() => (revocationsOf(user.userId).length >= 2 ? revocationsOf(user.userId) : undefined), { timeoutMs: 20_000, what: "two session.revoked" });
    expect(events.map((event) => event.data.reason)).toEqual(["password_reset", "password_reset"]);

    expect((await call(fx.auth, "POST", "/api/v1/auth/login", { body: { login: user.account.email, password: user.account.password } })).status).toBe(401);
    const login = await call<{ access_token: string; refresh_token: string; user: { email_verified_at: string | null } }>(fx.auth, "POST", "/api/v1/auth/login", { body: { login: user.account.email, password } });
    expect(login.status).toBe(200);
    canaries.addTokens(login.body);
    expect(login.body.user.email_verified_at).not.toBeNull();

    const actionsOf = async () => (await fx.auth.knex("audit_logs").where({ user_id: user.userId })).map((row: { action: string }) => row.action);
    const actions = await waitFor(async () => ((await actionsOf()).includes("password_reset_sent") ? actionsOf() : undefined), { what: "the password_reset_sent audit row" });
    expect(actions).toEqual(expect.arrayContaining(["password_reset_requested", "password_reset_sent", "password_reset"]));
    const [done] = await fx.auth.knex("audit_logs").where({ user_id: user.userId, action: "password_reset" });
    expect(done.details).toEqual({ revoked_sessions: 2, email_verified: true });

    const again = await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: newPassword() } });
    expect([again.status, errorBodySchema.parse(again.body).error_code]).toEqual([400, "INVALID_RESET_TOKEN"]);
  });

  it("when the new password is too weak, then 422 WEAK_PASSWORD and the link still works for a better one", async () => {
    const user = await registerAndLogin(fx.auth, canaries);
    const token = await resetToken(user.account.email);
    const weak = await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: "password1234" } });
    expect([weak.status, errorBodySchema.parse(weak.body).error_code]).toEqual([422, "WEAK_PASSWORD"]);
    expect((await call(fx.auth, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).status).toBe(200);
    expect((await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: newPassword() } })).status).toBe(204);
  });

  it("when one link is used twice at the same moment, then exactly one sets the password", async () => {
    const user = await registerAndLogin(fx.auth, canaries);
    const token = await resetToken(user.account.email);
    const answers = await Promise.all([newPassword(), newPassword(), newPassword()].map((password) => call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: password } })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400, 400]);
    expect(await fx.auth.knex("audit_logs").where({ user_id: user.userId, action: "password_reset" })).toHaveLength(1);
  });

  it("when a second reset mail is asked for, then the first link stops working; an expired link never works", async () => {
    const user = await registerAndLogin(fx.auth, canaries);
    const first = await resetToken(user.account.email);
    const second = await resetToken(user.account.email);
    expect(errorBodySchema.parse((await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token: first, new_password: newPassword() } })).body).error_code).toBe("INVALID_RESET_TOKEN");
    await fx.auth.knex("account_tokens").where({ user_id: user.userId, purpose: "password_reset" }).update({ expires_at: new Date(Date.now() - 1) });
    expect(errorBodySchema.parse((await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token: second, new_password: newPassword() } })).body).error_code).toBe("INVALID_RESET_TOKEN");
    expect((await call(fx.auth, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).status).toBe(200);
  });

  it("when the account is disabled after the reset mail was sent, then its link no longer sets a password (400 INVALID_RESET_TOKEN, as for a dead link)", async () => {
    const user = await registerAndLogin(fx.auth, canaries);
    const token = await resetToken(user.account.email);
    await fx.auth.knex("users").where({ id: user.userId }).update({ disabled_at: new Date() });
    const refused = await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body: { token, new_password: newPassword() } });
    expect([refused.status, errorBodySchema.parse(refused.body).error_code]).toEqual([400, "INVALID_RESET_TOKEN"]);
    expect(await fx.auth.knex("audit_logs").where({ user_id: user.userId, action: "password_reset" })).toHaveLength(0);
  });

  it("when the address belongs to no account or to a disabled one, then the answer is the same 202, no mail is queued, and the audit log records the request", async () => {
    const unknownIp = "198.51.100.201";
    const unknown = await call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body: { email: `nobody.${Date.now()}@example.test` }, headers: { "x-forwarded-for": unknownIp } });
    expect([unknown.status, unknown.headers.get("content-length")]).toEqual([202, "0"]);
    const [audit] = await fx.auth.knex("audit_logs").where({ ip: unknownIp, action: "password_reset_requested" });
    expect([audit.user_id, audit.details]).toEqual([null, { known_account: false, mail_queued: false }]);

    const disabled = await registerAndLogin(fx.auth, canaries);
    await fx.auth.knex("users").where({ id: disabled.userId }).update({ disabled_at: new Date() });
    expect((await call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body: { email: disabled.account.email } })).status).toBe(202);
    expect(await fx.auth.knex("account_mails").where({ user_id: disabled.userId, kind: "password_reset" })).toHaveLength(0);
    const [refused] = await fx.auth.knex("audit_logs").where({ user_id: disabled.userId, action: "password_reset_requested" });
    expect(refused.details).toEqual({ known_account: true, mail_queued: false });
  });

  it("when an address or an IP asks too often, then 429 RATE_LIMITED with Retry-After, for unknown addresses exactly as for known ones", async () => {
    const known = await registerAndLogin(fx.auth, canaries);
    const unknownEmail = `nobody.${Date.now()}@example.test`;
    const forgot = (email: string, ip: string) => call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body: { email }, headers: { "x-forwarded-for": ip } });
    // All at once: the budget is taken atomically, so however they interleave exactly the budget passes.
    for (const email of [known.account.email, unknownEmail]) {
      const statuses = (await Promise.all([0, 1, 2, 3].map((i) => forgot(email, `192.0.2.${i + 10}`)))).map((answer) => answer.status);
      expect({ email, statuses: statuses.sort() }).toEqual({ email, statuses: [202, 202, 202, 429] });
    }
    const ip = "192.0.2.99";
    const statuses = (await Promise.all(Array.from({ length: 12 }, (_, i) => forgot(`flood.${i}.${Date.now()}@example.test`, ip)))).map((answer) => answer.status);
    expect(statuses).toEqual(Array.from({ length: 12 }, () => 202));
    const refused = await forgot(`one.more.${Date.now()}@example.test`, ip);
    expect([refused.status, errorBodySchema.parse(refused.body).error_code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    // Another address from another IP is not held up.
    expect((await forgot(`calm.${Date.now()}@example.test`, "192.0.2.100")).status).toBe(202);
  });

  it("when the address is known or unknown, then the answer takes the same time: no SMTP in the request, and never sooner than 250 ms", async () => {
    const users = [];
    for (let i = 0; i < 9; i++) users.push(await registerAndLogin(fx.auth, canaries));
    const time = async (email: string, ip: string) => {
      const startedAt = performance.now();
      expect((await call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body: { email }, headers: { "x-forwarded-for": ip } })).status).toBe(202);
      return performance.now() - startedAt;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (const [i, user] of users.entries()) {
      known.push(await time(user.account.email, `198.18.0.${i + 1}`));
      unknown.push(await time(newAccount(canaries).email, `198.18.1.${i + 1}`));
    }
    expect(Math.min(...known, ...unknown)).toBeGreaterThanOrEqual(249);
    const ratio = median(known) / median(unknown);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });

  it("when the body is malformed or the page is opened, then 422 for the routes and the reset page for GET", async () => {
    for (const body of [{ email: "not an address" }, {}, { email: "a@example.test", extra: true }]) expect((await call(fx.auth, "POST", "/api/v1/auth/password/forgot", { body })).status).toBe(422);
    for (const body of [{ token: "A".repeat(43), new_password: "short" }, { token: "short", new_password: "a long enough passphrase" }, {}]) expect((await call(fx.auth, "POST", "/api/v1/auth/password/reset", { body })).status).toBe(422);
    const page = await fetch(`${fx.auth.baseUrl}/api/v1/auth/password/reset`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await page.text()).toContain('autocomplete="new-password"');
  });
});
