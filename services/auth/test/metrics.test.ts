import { createHttpMetrics } from "@tollgate/service-kit";
import { createAuthMetrics } from "../src/auth-metrics";
import { call, Canaries, expectNoCanaryInLogs, newAccount, startAuth, type AuthFixture } from "./support";

describe("auth metrics", () => {
  const canaries = new Canaries();
  const metrics = createAuthMetrics(createHttpMetrics({ defaultMetrics: false }));
  let fx: AuthFixture;

  beforeAll(async () => {
    fx = await startAuth({ LOGIN_ACCOUNT_MAX_FAILURES: "2" }, { metrics });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  const scrape = async () => (await fetch(`${fx.baseUrl}/metrics`)).text();
  const sample = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

  it("when logins succeed, fail and hit the lockout, then auth_logins_total counts each by outcome; every outcome has a series from the start", async () => {
    const start = await scrape();
    for (const outcome of ["success", "failure", "locked", "disabled", "error"]) expect(sample(start, `auth_logins_total{outcome="${outcome}"}`)).toBe(0);

    const ok = newAccount(canaries);
    await call(fx, "POST", "/api/v1/auth/register", { body: ok });
    expect((await call(fx, "POST", "/api/v1/auth/login", { body: { login: ok.username, password: ok.password } })).status).toBe(200);
    const locked = newAccount(canaries);
    await call(fx, "POST", "/api/v1/auth/register", { body: locked });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(fx, "POST", "/api/v1/auth/login", { body: { login: locked.username, password: "not the password at all" } })).status);
    expect(statuses).toEqual([401, 401, 429]);

    const text = await scrape();
    expect(sample(text, 'auth_logins_total{outcome="success"}')).toBe(1);
    expect(sample(text, 'auth_logins_total{outcome="failure"}')).toBe(2);
    expect(sample(text, 'auth_logins_total{outcome="locked"}')).toBe(1);
    expect(sample(text, 'auth_logins_total{outcome="error"}')).toBe(0);
  });

  it("when sessions are revoked by a password change and a logout, then auth_sessions_revoked_total counts each session once, by reason", async () => {
    const before = await scrape();
    const account = newAccount(canaries);
    await call(fx, "POST", "/api/v1/auth/register", { body: account });
    const login = async () => (await call<{ access_token: string }>(fx, "POST", "/api/v1/auth/login", { body: { login: account.username, password: account.password } })).body.access_token;
    const [current] = [await login(), await login(), await login()];
    const newPassword = canaries.add(`${account.password}-renewed`);
    expect((await call(fx, "POST", "/api/v1/users/me/password", { token: current, body: { current_password: account.password, new_password: newPassword } })).status).toBe(204);
    expect((await call(fx, "POST", "/api/v1/auth/logout", { token: current })).status).toBe(204);

    const after = await scrape();
    const moved = (reason: string) => sample(after, `auth_sessions_revoked_total{reason="${reason}"}`) - sample(before, `auth_sessions_revoked_total{reason="${reason}"}`);
    // The two other sessions by the change, the current one by the logout.
    expect(moved("password_change")).toBe(2);
    expect(moved("logout")).toBe(1);
    expect(moved("user_disabled")).toBe(0);
  });
});
