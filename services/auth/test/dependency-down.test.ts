import { errorBodySchema } from "@tollgate/contracts";
import { call, Canaries, expectNoCanaryInLogs, newAccount, startAuth, type AuthFixture } from "./support";

describe("when Redis is unreachable", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails.
    fx = await startAuth({ REDIS_URL: "redis://127.0.0.1:1" });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when a user logs in, then 503 with Retry-After (fail closed, never an unthrottled login), and readiness fails", async () => {
    const account = newAccount(canaries);
    expect((await call(fx, "POST", "/api/v1/auth/register", { body: account })).status).toBe(201);
    const login = await call(fx, "POST", "/api/v1/auth/login", { body: { login: account.email, password: account.password } });
    expect(login.status).toBe(503);
    expect(errorBodySchema.parse(login.body).error_code).toBe("SERVICE_UNAVAILABLE");
    expect(Number(login.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(fx, "GET", "/health/ready")).status).toBe(503);
  });
});
