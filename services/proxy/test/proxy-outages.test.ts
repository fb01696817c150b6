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
});
