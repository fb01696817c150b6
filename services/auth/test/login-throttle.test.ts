import { errorBodySchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, newAccount, registerAndLogin, startAuth, type AuthFixture } from "./support";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The test database outlives a run, and audit rows are looked up by IP: start each run somewhere else.
let ipCounter = Math.floor(Math.random() * 2 ** 24);
const freshIp = () => `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;

describe("brute-force limits", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth({ LOGIN_ACCOUNT_MAX_FAILURES: "5", LOGIN_ACCOUNT_WINDOW_SECONDS: "2", LOGIN_IP_MAX_FAILURES: "8", LOGIN_IP_WINDOW_SECONDS: "3" });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const login = (body: { login: string; password: string }, ip = freshIp()) =>
    call<{ access_token?: string; refresh_token?: string; error_code?: string }>(fx, "POST", "/api/v1/auth/login", { body, headers: { "x-forwarded-for": ip } });

  it("when an account fails past its limit from rotating IPs, then 429 with Retry-After even for the right password, and after the window the right password works", async () => {
    const { account, userId } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const wrong = canaries.add("canary-wrong-password-0001");
    for (let i = 0; i < 5; i++) expect((await login({ login: i % 2 ? account.email : account.username, password: wrong })).status).toBe(401);

    const locked = await login({ login: account.email, password: account.password });
    expect(locked.status).toBe(429);
    expect(errorBodySchema.parse(locked.body).error_code).toBe("RATE_LIMITED");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);

    const lockouts = await fx.knex("audit_logs").where({ user_id: userId, action: "lockout" });
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0].details).toMatchObject({ scope: "account", level: 1 });
    expect(await fx.knex("audit_logs").where({ user_id: userId, action: "login_failure" })).toHaveLength(5);

    await sleep(retryAfter * 1000 + 200);
    const after = await login({ login: account.email, password: account.password });
    expect(after.status).toBe(200);
    canaries.addTokens(after.body);
  });

  it("when an account fails below its limit and then logs in, then its failure count starts again", async () => {
    const { account } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const wrong = canaries.add("canary-wrong-password-0004");
    for (let i = 0; i < 4; i++) expect((await login({ login: account.email, password: wrong })).status).toBe(401);
    const success = await login({ login: account.email, password: account.password });
    expect(success.status).toBe(200);
    canaries.addTokens(success.body);
    // Without the reset these would be failures 5 to 8 and lock the account.
    for (let i = 0; i < 4; i++) expect((await login({ login: account.email, password: wrong })).status).toBe(401);
    const again = await login({ login: account.email, password: account.password });
    expect(again.status).toBe(200);
    canaries.addTokens(again.body);
  });

  it("when an account is locked a second time within a day, then the lock lasts twice as long", async () => {
    const { account } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const wrong = canaries.add("canary-wrong-password-0002");
    for (let i = 0; i < 5; i++) await login({ login: account.email, password: wrong });
    const first = Number((await login({ login: account.email, password: wrong })).headers.get("retry-after"));
    await sleep(first * 1000 + 200);
    for (let i = 0; i < 5; i++) await login({ login: account.email, password: wrong });
    const second = await login({ login: account.email, password: account.password });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(2);
  });

  it("when an unknown login fails past the limit, then it locks like a real account (no way to tell them apart)", async () => {
    const ghost = { login: `ghost.${Date.now()}@example.test`, password: canaries.add("canary-ghost-password-01") };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(ghost)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("when one IP fails against many accounts, then that IP gets 429 with Retry-After while another IP still logs in", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await login({ login: newAccount(canaries).email, password: canaries.add(`canary-spray-${i}-password`) }, ip)).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
    const { account } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const blocked = await login({ login: account.email, password: account.password }, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const elsewhere = await login({ login: account.email, password: account.password });
    expect(elsewhere.status).toBe(200);
    canaries.addTokens(elsewhere.body);
    expect(await fx.knex("audit_logs").where({ action: "lockout", ip }).first()).toMatchObject({ details: { scope: "ip" } });
  });

  it("when the user is unknown or the password wrong, then the answer is the same 401 INVALID_CREDENTIALS", async () => {
    const { account } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const wrongPassword = await login({ login: account.email, password: canaries.add("canary-wrong-password-0003") });
    const unknownUser = await login({ login: `nobody.${Date.now()}@example.test`, password: account.password });
    expect([wrongPassword.status, unknownUser.status]).toEqual([401, 401]);
    expect(wrongPassword.body.error_code).toBe("INVALID_CREDENTIALS");
    expect(unknownUser.body.error_code).toBe("INVALID_CREDENTIALS");
    expect((wrongPassword.body as { detail?: string }).detail).toBe((unknownUser.body as { detail?: string }).detail);
  });

  it("when the current password is guessed through the change-password endpoint, then the same account budget locks it with 429", async () => {
    const { tokens } = await registerAndLogin(fx, canaries, { "x-forwarded-for": freshIp() });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await call(fx, "POST", "/api/v1/users/me/password", {
        token: tokens.access_token,
        body: { current_password: canaries.add(`canary-guess-${i}-password`), new_password: canaries.add("canary-new-password-zz9") },
        headers: { "x-forwarded-for": freshIp() },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
