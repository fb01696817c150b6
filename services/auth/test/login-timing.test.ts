import { call, Canaries, expectNoCanaryInLogs, registerAndLogin, startAuth, type AuthFixture } from "./support";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe("login timing", () => {
  const canaries = new Canaries();
  let fx: AuthFixture;

  beforeAll(async () => {
    // Production argon2 cost: the dummy verify must cost what a real one costs.
    fx = await startAuth({ ARGON2_MEMORY_KIB: "19456", ARGON2_TIME_COST: "2", LOGIN_ACCOUNT_MAX_FAILURES: "1000" });
  });

  afterAll(async () => {
    await fx.close();
    expectNoCanaryInLogs(canaries, fx.capture);
  });

  it("when the user is unknown, then the login takes about as long as a wrong password for a real user (a dummy argon2 verify runs)", async () => {
    const { account } = await registerAndLogin(fx, canaries);
    const timeLogin = async (login: string) => {
      const startedAt = performance.now();
      const response = await call(fx, "POST", "/api/v1/auth/login", { body: { login, password: canaries.add("canary-timing-wrong-password") } });
      expect(response.status).toBe(401);
      return performance.now() - startedAt;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await timeLogin(account.email));
      unknown.push(await timeLogin(`nobody.${i}.${Date.now()}@example.test`));
    }
    // Without the dummy verify an unknown login is an order of magnitude faster; allow for noise.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
