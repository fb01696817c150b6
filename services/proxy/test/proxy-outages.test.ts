import { errorBodySchema } from "@tollgate/contracts";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

describe("proxy when a dependency is down", () => {
  describe("Redis unreachable", () => {
    let fx: ProxyFixture;

    beforeAll(async () => {
      // A Redis nobody answers: every cache call fails at once.
      fx = await startProxyFixture({ redisUrl: "redis://127.0.0.1:1" });
    });

    afterAll(async () => {
      await fx.close();
    });

    it("when Redis is down, then requests still validate through the token service and never pass unvalidated", async () => {
      const bought = await fx.buyToken();
      const ok = await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": bought.token } });
      expect(ok.status).toBe(200);
      const refused = await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": "C".repeat(64) } });
      expect(refused.status).toBe(401);
      expect(fx.logLines.join("\n")).toContain("redis read failed");
    });
  });

  describe("token service stopped", () => {
    let fx: ProxyFixture;

    beforeAll(async () => {
      fx = await startProxyFixture({ cachePositiveTtlMs: 60_000 });
    });

    afterAll(async () => {
      await fx.close();
    });

    it("when the token service is down, then cached tokens keep working and uncached ones get 503 with Retry-After", async () => {
      const cached = await fx.buyToken();
      const uncached = await fx.buyToken();
      expect((await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": cached.token } })).status).toBe(200);

      await fx.stopTokenService();

      const stillOk = await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": cached.token } });
      expect(stillOk.status).toBe(200);
      const unavailable = await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": uncached.token } });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get("retry-after")).toBeTruthy();
      expect(errorBodySchema.parse(await unavailable.json()).error_code).toMatch(/SERVICE_UNAVAILABLE|BREAKER_OPEN/);
    });
  });

  describe("hostile tokens", () => {
    let fx: ProxyFixture;
    let validations = 0;

    beforeAll(async () => {
      fx = await startProxyFixture({ tokenServiceBreakerThreshold: 3 });
      // Count what reaches the token service through the proxy's own client.
      const client = fx.runtime.tokenService;
      for (const method of ["validate", "validateHash"] as const) {
        const original = client[method].bind(client);
        client[method] = (value: string) => {
          validations++;
          return original(value);
        };
      }
    });

    afterAll(async () => {
      await fx.close();
    });

    it("when anyone sends many malformed tokens (too long, wrong alphabet), then each gets 401 at once, none reaches the token service, and the breaker stays closed for real users", async () => {
      const before = validations;
      for (const token of ["x".repeat(300), "x".repeat(300), "x".repeat(300), "x".repeat(300), "x".repeat(300), "é".repeat(64), "a b".repeat(22), "short"]) {
        const res = await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": token } });
        expect(res.status).toBe(401);
        expect(errorBodySchema.parse(await res.json()).error_code).toBe("TOKEN_INVALID");
      }
      expect(validations).toBe(before);
      expect(fx.runtime.tokenService.policy.breaker.state).toBe(0);
      const real = await fx.buyToken();
      expect((await fetch(`${fx.proxyUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": real.token } })).status).toBe(200);
    });

    it("when the token service refuses the proxy's call with a 4xx, then it is an answer, not a failure: the breaker stays closed", async () => {
      // Upper-case hex is not a SHA-256 the token service accepts: it answers 422.
      const hash = "A".repeat(64);
      for (let i = 0; i < 5; i++) await expect(fx.runtime.tokenService.validateHash(hash)).rejects.toMatchObject({ errorCode: "TOKEN_INVALID" });
      expect(fx.runtime.tokenService.policy.breaker.state).toBe(0);
    });
  });
});
