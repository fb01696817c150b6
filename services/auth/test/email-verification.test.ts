import { errorBodySchema, userResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import { startAccountFixture, jwtClaims, tokenIn, type AccountFixture } from "./account-support";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin } from "./support";

describe("e-mail verification", () => {
  const canaries = new Canaries();
  let fx: AccountFixture;

  beforeAll(async () => {
    fx = await startAccountFixture({ ACCOUNT_MAIL_ADDRESS_MAX: "3" });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.auth.capture);
  });

  /** Registers and logs in; resolves the verification mail's token too. */
  async function registered() {
    const since = new Date();
    const user = await registerAndLogin(fx.auth, canaries);
    const mail = await fx.mail(user.account.email, "email_verification", since);
    return { ...user, mail, token: canaries.add(tokenIn(mail)) };
  }

  it("when a user registers, then a verification mail reaches the SMTP server with the link and the command, and the audit log says it was sent", async () => {
    const user = await registered();
    expect(user.mail.envelope_to).toEqual([user.account.email]);
    expect(user.mail.from).toContain("no-reply@tollgate.localhost");
    expect(user.mail.text).toContain(`https://tollgate.example.test/api/v1/auth/email/verify#token=${user.token}`);
    expect(user.mail.text).toContain(`tollgate verify-email ${user.token}`);
    expect(user.mail.html).toContain(`href="https://tollgate.example.test/api/v1/auth/email/verify#token=${user.token}"`);
    // Written in the relay's transaction, which commits just after the server took the mail.
    const [sent] = await waitFor(async () => {
      const rows = await fx.auth.knex("audit_logs").where({ user_id: user.userId, action: "email_verification_sent" });
      return rows.length > 0 ? rows : undefined;
    }, { what: "the email_verification_sent audit row" });
    expect(sent.details).toEqual({ mail_id: expect.any(String), email: user.account.email });
    // Only the SHA-256 is stored.
    const stored = await fx.auth.knex("account_tokens").where({ user_id: user.userId });
    expect(stored).toHaveLength(1);
    expect(stored[0].token_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(user.token);
  });

  it("when the token from the mail is posted, then the address is verified, new access tokens say so, and the token does not work twice", async () => {
    const user = await registered();
    expect(userResponseSchema.parse((await call(fx.auth, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).body).email_verified_at).toBeNull();
    expect(jwtClaims(user.tokens.access_token).email_verified).toBe(false);

    const verified = await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body: { token: user.token } });
    expect(verified.status).toBe(204);

    const me = userResponseSchema.parse((await call(fx.auth, "GET", "/api/v1/users/me", { token: user.tokens.access_token })).body);
    expect(Date.parse(me.email_verified_at ?? "")).toBeGreaterThan(Date.now() - 60_000);
    const refreshed = await call<{ access_token: string; refresh_token: string; user: { email_verified_at: string | null } }>(fx.auth, "POST", "/api/v1/auth/refresh", { body: { refresh_token: user.tokens.refresh_token } });
    canaries.addTokens(refreshed.body);
    expect(jwtClaims(refreshed.body.access_token).email_verified).toBe(true);
    expect(refreshed.body.user.email_verified_at).toBe(me.email_verified_at);
    expect(await fx.auth.knex("audit_logs").where({ user_id: user.userId, action: "email_verified" })).toHaveLength(1);

    const again = await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body: { token: user.token } });
    expect([again.status, errorBodySchema.parse(again.body).error_code]).toEqual([400, "INVALID_VERIFICATION_TOKEN"]);
    const resend = await call(fx.auth, "POST", "/api/v1/users/me/email/verification", { token: refreshed.body.access_token });
    expect([resend.status, errorBodySchema.parse(resend.body).error_code]).toEqual([409, "EMAIL_ALREADY_VERIFIED"]);
  });

  it("when a user asks for another mail, then it arrives with a new token and only the newest one works", async () => {
    const user = await registered();
    const since = new Date();
    const resend = await call(fx.auth, "POST", "/api/v1/users/me/email/verification", { token: user.tokens.access_token });
    expect(resend.status).toBe(202);
    const second = canaries.add(tokenIn(await fx.mail(user.account.email, "email_verification", since)));
    expect(second).not.toBe(user.token);
    const stale = await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body: { token: user.token } });
    expect(errorBodySchema.parse(stale.body).error_code).toBe("INVALID_VERIFICATION_TOKEN");
    expect((await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body: { token: second } })).status).toBe(204);
  });

  it("when a user asks for more mails than the address's budget, then 429 RATE_LIMITED with Retry-After, and no more mails are queued", async () => {
    const user = await registered();
    for (let i = 0; i < 3; i++) expect((await call(fx.auth, "POST", "/api/v1/users/me/email/verification", { token: user.tokens.access_token })).status).toBe(202);
    const refused = await call(fx.auth, "POST", "/api/v1/users/me/email/verification", { token: user.tokens.access_token });
    expect([refused.status, errorBodySchema.parse(refused.body).error_code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(3000);
    // The registration's mail plus the three granted.
    expect(await fx.auth.knex("account_mails").where({ user_id: user.userId })).toHaveLength(4);
  });

  it("when the token expired, was for an address the account no longer has, or was never issued, then 400 INVALID_VERIFICATION_TOKEN and nothing is verified", async () => {
    const expired = await registered();
    await fx.auth.knex("account_tokens").where({ user_id: expired.userId }).update({ expires_at: new Date(Date.now() - 1000) });
    const moved = await registered();
    await fx.auth.knex("users").where({ id: moved.userId }).update({ email: `moved.${moved.account.email}` });
    for (const token of [expired.token, moved.token, "A".repeat(43)]) {
      const refused = await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body: { token } });
      expect({ status: refused.status, code: errorBodySchema.parse(refused.body).error_code }).toEqual({ status: 400, code: "INVALID_VERIFICATION_TOKEN" });
    }
    const rows = await fx.auth.knex("users").whereIn("id", [expired.userId, moved.userId]).select("email_verified_at");
    expect(rows.map((row: { email_verified_at: Date | null }) => row.email_verified_at)).toEqual([null, null]);
  });

  it("when the token is malformed or missing, or the resend has no bearer token, then the answer is 422 or 401", async () => {
    for (const body of [{ token: "short" }, {}, { token: "A".repeat(43), extra: 1 }]) {
      expect((await call(fx.auth, "POST", "/api/v1/auth/email/verify", { body })).status).toBe(422);
    }
    expect((await call(fx.auth, "POST", "/api/v1/users/me/email/verification")).status).toBe(401);
  });

  it("when the link is opened, then a page answers that posts the fragment's token only when the person presses its button, under a strict content security policy", async () => {
    const res = await fetch(`${fx.auth.baseUrl}/api/v1/auth/email/verify`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'; style-src 'sha256-[^']+'; connect-src 'self'; form-action 'none'/);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("Confirm my e-mail address");
    expect(html).toContain('location.hash.slice(1)');
  });
});
