import { createHash } from "node:crypto";
import { errorBodySchema, mfaStatusResponseSchema, recoveryCodesResponseSchema, tokenPairResponseSchema, totpEnrolmentResponseSchema } from "@tollgate/contracts";
import { normaliseRecoveryCode, recoveryCodeSha256 } from "../src/domain/mfa/recovery-codes";
import { codeAt, loginForChallenge, turnOnTotp, wrongCode } from "./mfa-support";
import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

// The test database outlives a run: start each run's addresses somewhere else.
let ipCounter = Math.floor(Math.random() * 2 ** 24);
const freshIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

describe("two-factor sign-in (TOTP and recovery codes)", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    // 7 failures per account: enough for one challenge's 5 attempts after its password, few enough to reach quickly.
    fx = await startAuth({ LOGIN_ACCOUNT_MAX_FAILURES: "7", LOGIN_ACCOUNT_WINDOW_SECONDS: "60" });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  /** A registered, logged-in user with TOTP on. */
  async function userWithTotp() {
    const ip = freshIp();
    const { account, tokens, userId } = await registerAndLogin(fx, canaries, { "x-forwarded-for": ip });
    const totp = await turnOnTotp(fx, tokens.access_token, canaries);
    return { account, tokens, userId, ip, ...totp };
  }

  const secondStep = (body: Record<string, string>, ip = freshIp()) => call(fx, "POST", "/api/v1/auth/login/mfa", { body, headers: { "x-forwarded-for": ip } });
  const audit = (userId: string, action: string) => fx.knex("audit_logs").where({ user_id: userId, action }).orderBy("created_at", "asc");
  const sessionCount = async (userId: string) => Number((await fx.knex("sessions").where({ user_id: userId }).count<{ count: string }[]>({ count: "*" }))[0]?.count);
  const errorCode = (body: unknown) => errorBodySchema.parse(body).error_code;

  it("when a user enrols, then the secret comes back once with its otpauth URI, is stored sealed, and login still opens a session until a code confirms it", async () => {
    const { account, tokens, userId } = await registerAndLogin(fx, canaries);
    const enrolled = await call(fx, "POST", "/api/v1/users/me/mfa/totp", { token: tokens.access_token });
    expect(enrolled.status).toBe(201);
    expect(enrolled.headers.get("cache-control")).toBe("no-store");
    const body = totpEnrolmentResponseSchema.parse(enrolled.body);
    canaries.add(body.secret);
    expect(body).toMatchObject({ issuer: "Tollgate", account_name: account.username, algorithm: "SHA1", digits: 6, period: 30 });
    const uri = new URL(body.otpauth_uri);
    expect(`${uri.protocol}//${uri.host}${decodeURIComponent(uri.pathname)}`).toBe(`otpauth://totp/Tollgate:${account.username}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: body.secret, issuer: "Tollgate", algorithm: "SHA1", digits: "6", period: "30" });

    const [row] = await fx.knex("user_totp_authenticators").where({ user_id: userId });
    expect(row.secret_sealed).toMatch(/^sealed:v1:[0-9a-f]{16}:/);
    expect(row.secret_sealed).not.toContain(body.secret);
    expect(row.confirmed_at).toBeNull();
    expect(mfaStatusResponseSchema.parse((await call(fx, "GET", "/api/v1/users/me/mfa", { token: tokens.access_token })).body)).toEqual({ totp: "pending", enabled_at: null, recovery_codes_remaining: 0 });

    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.username, password: account.password } });
    expect(login.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(login.body));
    expect(await audit(userId, "mfa_enrol")).toHaveLength(1);
  });

  it("when the enrolment is confirmed, then ten recovery codes come once (stored hashed); login then answers MFA_REQUIRED without a session, and a code opens one", async () => {
    const { account, tokens, userId } = await registerAndLogin(fx, canaries);
    const { secret } = totpEnrolmentResponseSchema.parse((await call(fx, "POST", "/api/v1/users/me/mfa/totp", { token: tokens.access_token })).body);
    canaries.add(secret);
    const wrong = await call(fx, "POST", "/api/v1/users/me/mfa/totp/confirm", { token: tokens.access_token, body: { totp_code: wrongCode(secret) } });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong.body)).toBe("INVALID_MFA_CODE");

    const confirmed = await call(fx, "POST", "/api/v1/users/me/mfa/totp/confirm", { token: tokens.access_token, body: { totp_code: codeAt(secret, -1) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("cache-control")).toBe("no-store");
    const { recovery_codes } = recoveryCodesResponseSchema.parse(confirmed.body);
    for (const code of recovery_codes) canaries.add(code);
    expect(new Set(recovery_codes).size).toBe(10);
    const stored: { code_sha256: string; used_at: Date | null }[] = await fx.knex("user_recovery_codes").where({ user_id: userId });
    expect(stored.map((row) => row.code_sha256).sort()).toEqual(recovery_codes.map((code) => recoveryCodeSha256(normaliseRecoveryCode(code) ?? "")).sort());
    expect(stored.every((row) => row.used_at === null)).toBe(true);
    const status = mfaStatusResponseSchema.parse((await call(fx, "GET", "/api/v1/users/me/mfa", { token: tokens.access_token })).body);
    expect(status).toMatchObject({ totp: "enabled", recovery_codes_remaining: 10 });
    expect(status.enabled_at).not.toBeNull();

    const sessionsBefore = await sessionCount(userId);
    const challenge = await loginForChallenge(fx, account.email, account.password, canaries);
    expect(challenge).toMatchObject({ status: "MFA_REQUIRED", expires_in: 300, methods: ["totp", "recovery_code"] });
    expect(await sessionCount(userId)).toBe(sessionsBefore);
    // Only the token's hash is a key, and Redis drops it after the challenge's lifetime.
    const key = `auth:${fx.namespace}:mfa:challenge:${createHash("sha256").update(challenge.mfa_token).digest("hex")}`;
    expect(await fx.redis.pttl(key)).toBeGreaterThan(290_000);

    const done = await secondStep({ mfa_token: challenge.mfa_token, totp_code: codeAt(secret) });
    expect(done.status).toBe(200);
    expect(done.headers.get("cache-control")).toBe("no-store");
    const pair = tokenPairResponseSchema.parse(done.body);
    canaries.addTokens(pair);
    expect(pair.user.id).toBe(userId);
    expect((await call(fx, "GET", "/api/v1/users/me", { token: pair.access_token })).status).toBe(200);
    expect(await sessionCount(userId)).toBe(sessionsBefore + 1);
    expect(await fx.redis.exists(key)).toBe(0);

    expect((await audit(userId, "mfa_enable"))[0]?.details).toEqual({ method: "totp", recovery_codes: 10 });
    expect((await audit(userId, "mfa_challenge"))[0]?.details).toEqual({ first_factor: "password" });
    const successes = await audit(userId, "login_success");
    expect(successes.at(-1)?.details).toMatchObject({ mfa: "totp" });
    expect((await audit(userId, "mfa_failure"))[0]?.details).toEqual({ method: "totp", purpose: "confirm", reason: "wrong_code" });
  });

  it("when a TOTP code has been used, then it is refused inside its window, and of two logins racing with one fresh code exactly one gets in", async () => {
    const { account, userId, secret } = await userWithTotp();
    const code = codeAt(secret);
    const first = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, totp_code: code });
    expect(first.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(first.body));

    const replayed = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, totp_code: code });
    expect(replayed.status).toBe(401);
    expect(errorCode(replayed.body)).toBe("INVALID_MFA_CODE");
    expect((await audit(userId, "mfa_failure")).at(-1)?.details).toEqual({ method: "totp", purpose: "login", reason: "reused_code" });

    const fresh = codeAt(secret, 1);
    const [a, b] = [await loginForChallenge(fx, account.username, account.password, canaries), await loginForChallenge(fx, account.username, account.password, canaries)];
    const raced = await Promise.all([secondStep({ mfa_token: a.mfa_token, totp_code: fresh }), secondStep({ mfa_token: b.mfa_token, totp_code: fresh })]);
    for (const answer of raced) if (answer.status === 200) canaries.addTokens(tokenPairResponseSchema.parse(answer.body));
    expect(raced.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it("when wrong codes are sent, then they count toward the account's lockout with the password's attempts (a right password does not reset them), and the right code then gets 429", async () => {
    const { account, userId, secret } = await userWithTotp();
    const wrong = wrongCode(secret);
    // 7 allowed: the first password (1), two wrong codes (3), the password again (4), three wrong codes (7, locks).
    const firstChallenge = await loginForChallenge(fx, account.email, account.password, canaries, { "x-forwarded-for": freshIp() });
    for (let i = 0; i < 2; i++) expect((await secondStep({ mfa_token: firstChallenge.mfa_token, totp_code: wrong })).status).toBe(401);
    const secondChallenge = await loginForChallenge(fx, account.email, account.password, canaries, { "x-forwarded-for": freshIp() });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await secondStep({ mfa_token: secondChallenge.mfa_token, totp_code: wrong })).status);
    expect(statuses).toEqual([401, 401, 401]);

    const locked = await secondStep({ mfa_token: secondChallenge.mfa_token, totp_code: codeAt(secret) });
    expect(locked.status).toBe(429);
    expect(errorCode(locked.body)).toBe("RATE_LIMITED");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const password = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password }, headers: { "x-forwarded-for": freshIp() } });
    expect(password.status).toBe(429);

    expect(await audit(userId, "mfa_failure")).toHaveLength(5);
    const lockouts = await audit(userId, "lockout");
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]?.details).toMatchObject({ scope: "account", level: 1, via: "second_factor" });
  });

  it("when the right current password goes through a password change that is then refused, then the second factor's failures stay counted (no reset of the code budget)", async () => {
    const { account, tokens, secret } = await userWithTotp();
    const disable = (totpCode: string) => call(fx, "POST", "/api/v1/users/me/mfa/disable", { token: tokens.access_token, body: { totp_code: totpCode } });
    const wrong = wrongCode(secret);
    // 7 allowed: four wrong codes (4), the right password in a change refused for its weak new password (5), two more (7, locks).
    for (let i = 0; i < 4; i++) expect((await disable(wrong)).status).toBe(401);
    const weak = await call(fx, "POST", "/api/v1/users/me/password", { token: tokens.access_token, body: { current_password: account.password, new_password: "password123456" } });
    expect(errorCode(weak.body)).toBe("WEAK_PASSWORD");
    for (let i = 0; i < 2; i++) expect((await disable(wrong)).status).toBe(401);
    const locked = await disable(codeAt(secret));
    expect(locked.status).toBe(429);
    expect(errorCode(locked.body)).toBe("RATE_LIMITED");
  });

  it("when a recovery code is used, then it signs in once (typed any case, without dashes), a second use is refused, and the audit counts what is left", async () => {
    const { account, userId, tokens, recoveryCodes } = await userWithTotp();
    const [code] = recoveryCodes as [string];
    const used = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, recovery_code: code.replace(/-/g, "").toUpperCase() });
    expect(used.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(used.body));
    expect((await audit(userId, "mfa_recovery_code_used"))[0]?.details).toEqual({ purpose: "login", remaining: 9 });
    expect((await audit(userId, "login_success")).at(-1)?.details).toMatchObject({ mfa: "recovery_code" });

    const again = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, recovery_code: code });
    expect(again.status).toBe(401);
    expect(errorCode(again.body)).toBe("INVALID_MFA_CODE");
    expect((await audit(userId, "mfa_failure")).at(-1)?.details).toEqual({ method: "recovery_code", purpose: "login", reason: "unknown_or_used_recovery_code" });
    expect(mfaStatusResponseSchema.parse((await call(fx, "GET", "/api/v1/users/me/mfa", { token: tokens.access_token })).body).recovery_codes_remaining).toBe(9);
  });

  it("when four recovery codes race on one challenge, then one signs in, the others are refused unchecked, and only the one used is spent", async () => {
    const { account, userId, tokens, recoveryCodes } = await userWithTotp();
    const challenge = await loginForChallenge(fx, account.username, account.password, canaries);
    const answers = await Promise.all(recoveryCodes.slice(0, 4).map((code) => secondStep({ mfa_token: challenge.mfa_token, recovery_code: code })));
    const opened = answers.filter((answer) => answer.status === 200);
    expect(opened).toHaveLength(1);
    canaries.addTokens(tokenPairResponseSchema.parse(opened[0]?.body));
    for (const refused of answers.filter((answer) => answer.status !== 200)) {
      expect([409, 401]).toContain(refused.status);
      expect(["MFA_ATTEMPT_IN_PROGRESS", "MFA_CHALLENGE_INVALID"]).toContain(errorCode(refused.body));
    }
    expect(await audit(userId, "mfa_recovery_code_used")).toHaveLength(1);
    expect(mfaStatusResponseSchema.parse((await call(fx, "GET", "/api/v1/users/me/mfa", { token: tokens.access_token })).body).recovery_codes_remaining).toBe(9);
  });

  it("when a challenge is redeemed or tried five times, then it is spent; an unknown one is refused; the code alone is not enough", async () => {
    const { account, secret } = await userWithTotp();
    const challenge = await loginForChallenge(fx, account.username, account.password, canaries);
    const done = await secondStep({ mfa_token: challenge.mfa_token, totp_code: codeAt(secret) });
    expect(done.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(done.body));
    const reused = await secondStep({ mfa_token: challenge.mfa_token, totp_code: codeAt(secret, 1) });
    expect(reused.status).toBe(401);
    expect(errorCode(reused.body)).toBe("MFA_CHALLENGE_INVALID");
    expect(errorCode((await secondStep({ mfa_token: "never-issued", totp_code: codeAt(secret, 1) })).body)).toBe("MFA_CHALLENGE_INVALID");
    expect((await secondStep({ totp_code: codeAt(secret, 1) } as Record<string, string>)).status).toBe(422);

    const tried = await loginForChallenge(fx, account.username, account.password, canaries);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(errorCode((await secondStep({ mfa_token: tried.mfa_token, totp_code: wrongCode(secret) })).body));
    codes.push(errorCode((await secondStep({ mfa_token: tried.mfa_token, totp_code: codeAt(secret, 1) })).body));
    expect(codes).toEqual(["INVALID_MFA_CODE", "INVALID_MFA_CODE", "INVALID_MFA_CODE", "INVALID_MFA_CODE", "INVALID_MFA_CODE", "MFA_CHALLENGE_INVALID"]);
  });

  it("when the password changes between the two steps, then the second step opens no session (401 INVALID_CREDENTIALS)", async () => {
    const { account, tokens, userId, secret } = await userWithTotp();
    const challenge = await loginForChallenge(fx, account.username, account.password, canaries);
    const newPassword = canaries.add(`${account.password}-changed`);
    expect((await call(fx, "POST", "/api/v1/users/me/password", { token: tokens.access_token, body: { current_password: account.password, new_password: newPassword } })).status).toBe(204);
    const sessionsBefore = await sessionCount(userId);
    const refused = await secondStep({ mfa_token: challenge.mfa_token, totp_code: codeAt(secret) });
    expect(refused.status).toBe(401);
    expect(errorCode(refused.body)).toBe("INVALID_CREDENTIALS");
    expect(await sessionCount(userId)).toBe(sessionsBefore);
    expect((await audit(userId, "login_failure")).at(-1)?.details).toEqual({ known_account: true, reason: "password_changed" });
  });

  it("when the account is disabled between the two steps, then the second step opens no session (403 ACCOUNT_DISABLED)", async () => {
    const { account, userId, secret } = await userWithTotp();
    const challenge = await loginForChallenge(fx, account.username, account.password, canaries);
    await fx.knex("users").where({ id: userId }).update({ disabled_at: new Date() });
    const sessionsBefore = await sessionCount(userId);
    const refused = await secondStep({ mfa_token: challenge.mfa_token, totp_code: codeAt(secret) });
    expect(refused.status).toBe(403);
    expect(errorCode(refused.body)).toBe("ACCOUNT_DISABLED");
    expect(await sessionCount(userId)).toBe(sessionsBefore);
  });

  it("when disabling, then a fresh code is needed (none, a wrong or a used one is refused); after it, login opens a session with the password alone", async () => {
    const { account, tokens, userId, secret } = await userWithTotp();
    const used = codeAt(secret);
    const signedIn = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, totp_code: used });
    expect(signedIn.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(signedIn.body));

    const disable = (body: unknown) => call(fx, "POST", "/api/v1/users/me/mfa/disable", { token: tokens.access_token, body });
    expect((await disable({})).status).toBe(422);
    expect((await disable({ totp_code: wrongCode(secret) })).status).toBe(401);
    const replayed = await disable({ totp_code: used });
    expect(replayed.status).toBe(401);
    expect(errorCode(replayed.body)).toBe("INVALID_MFA_CODE");
    expect((await call(fx, "POST", "/api/v1/users/me/mfa/disable", { body: { totp_code: codeAt(secret, 1) } })).status).toBe(401);
    expect(await fx.knex("user_totp_authenticators").where({ user_id: userId })).toHaveLength(1);

    expect((await disable({ totp_code: codeAt(secret, 1) })).status).toBe(204);
    expect(await fx.knex("user_totp_authenticators").where({ user_id: userId })).toHaveLength(0);
    expect(await fx.knex("user_recovery_codes").where({ user_id: userId })).toHaveLength(0);
    expect(mfaStatusResponseSchema.parse((await call(fx, "GET", "/api/v1/users/me/mfa", { token: tokens.access_token })).body)).toEqual({ totp: "disabled", enabled_at: null, recovery_codes_remaining: 0 });
    expect((await audit(userId, "mfa_disable"))[0]?.details).toEqual({ method: "totp" });
    expect(errorCode((await disable({ totp_code: codeAt(secret, 1) })).body)).toBe("MFA_NOT_ENABLED");

    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.username, password: account.password } });
    expect(login.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(login.body));
  });

  it("when recovery codes are renewed with a fresh code, then the old ones stop working and the new ones work; enrolling again while on is refused", async () => {
    const { account, tokens, userId, recoveryCodes, secret } = await userWithTotp();
    const renewed = await call(fx, "POST", "/api/v1/users/me/mfa/recovery-codes", { token: tokens.access_token, body: { recovery_code: recoveryCodes[0] } });
    expect(renewed.status).toBe(200);
    const fresh = recoveryCodesResponseSchema.parse(renewed.body).recovery_codes;
    for (const code of fresh) canaries.add(code);
    expect(fresh.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    expect((await audit(userId, "mfa_recovery_codes_regenerate"))[0]?.details).toEqual({ method: "recovery_code" });
    expect((await audit(userId, "mfa_recovery_code_used"))[0]?.details).toEqual({ purpose: "recovery_codes", remaining: 9 });

    const old = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, recovery_code: recoveryCodes[1] ?? "" });
    expect(old.status).toBe(401);
    const withNew = await secondStep({ mfa_token: (await loginForChallenge(fx, account.username, account.password, canaries)).mfa_token, recovery_code: fresh[0] ?? "" });
    expect(withNew.status).toBe(200);
    canaries.addTokens(tokenPairResponseSchema.parse(withNew.body));

    const again = await call(fx, "POST", "/api/v1/users/me/mfa/totp", { token: tokens.access_token });
    expect(again.status).toBe(409);
    expect(errorCode(again.body)).toBe("MFA_ALREADY_ENABLED");
    expect((await call(fx, "POST", "/api/v1/users/me/mfa/totp/confirm", { token: tokens.access_token, body: { totp_code: codeAt(secret, 1) } })).status).toBe(409);
  });
});
