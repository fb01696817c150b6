import { errorBodySchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import http from "node:http";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

describe("proxy over HTTP", () => {
  let fx: ProxyFixture;

  beforeAll(async () => {
    fx = await startProxyFixture();
  });

  afterAll(async () => {
    await fx.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fx.proxyUrl}/api/v1/proxy${path}`, { headers, redirect: "manual" });

  it("when the token is valid, then the upstream answers and sees who is calling, never the client's credentials or spoofed identity", async () => {
    const bought = await fx.buyToken();
    const res = await get("/headers?x=1", {
      "X-Access-Token": bought.token,
      "X-User-Id": "spoofed-user",
      "X-Token-Id": "spoofed-token",
      Authorization: "Bearer client-credential",
      Cookie: "tollgate_session=ours; app_pref=dark",
      "X-Request-Id": "req-proxy-test-0001",
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { url: string; headers: Record<string, string> };
    // The upstream saw /headers?x=1, and its JSON answer comes back as it sent it (no rewriting).
    expect(seen.url).toBe("/headers?x=1");
    expect(seen.headers["x-user-id"]).toBe(bought.userId);
    expect(seen.headers["x-token-id"]).toBe(bought.id);
    expect(seen.headers["x-request-id"]).toBe("req-proxy-test-0001");
    expect(seen.headers["x-access-token"]).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBe("app_pref=dark");
    expect(seen.headers["x-forwarded-for"]).toContain("127.0.0.1");
    expect(seen.headers["x-forwarded-host"]).toBe(new URL(fx.proxyUrl).host);
  });

  it("when no token is sent, then 401 TOKEN_MISSING; an unknown one, 401 TOKEN_INVALID", async () => {
    const missing = await get("/headers");
    expect(missing.status).toBe(401);
    expect(errorBodySchema.parse(await missing.json()).error_code).toBe("TOKEN_MISSING");
    const unknown = await get("/headers", { "X-Access-Token": "A".repeat(64) });
    expect(unknown.status).toBe(401);
    expect(errorBodySchema.parse(await unknown.json()).error_code).toBe("TOKEN_INVALID");
  });

  it("when 50 first requests race, then the token is activated exactly once", async () => {
    const bought = await fx.buyToken();
    const results = await Promise.all(Array.from({ length: 50 }, () => get("/headers", { "X-Access-Token": bought.token })));
    expect(results.map((res) => res.status)).toEqual(Array(50).fill(200));
    const events = await fx.tokenKnex("outbox").whereRaw("payload->>'type' = 'tollgate.token.activated.v1'").whereRaw("payload->'data'->>'token_id' = ?", [bought.id]);
    expect(events).toHaveLength(1);
  });

  it("when a token is revoked through the token service, then the next request is refused", async () => {
    const bought = await fx.buyToken();
    expect((await get("/headers", { "X-Access-Token": bought.token })).status).toBe(200);
    const revokedAt = performance.now();
    const revoke = await fetch(`${fx.tokenUrl}/api/v1/tokens/${bought.id}/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${bought.userToken}` },
      body: "{}",
    });
    expect(revoke.status).toBe(200);
    const refused = await waitFor(
      async () => {
        const res = await get("/headers", { "X-Access-Token": bought.token });
        return res.status === 401 ? res : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 10, what: "the revoked token to be refused" },
    );
    console.log(`revoke → 401 through the proxy: ${(performance.now() - revokedAt).toFixed(0)} ms`);
    expect(errorBodySchema.parse(await refused.json()).error_code).toBe("TOKEN_REVOKED");
  });

  it("when a request carries both Content-Length and Transfer-Encoding, then 400", async () => {
    const bought = await fx.buyToken();
    const { port } = new URL(fx.proxyUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/api/v1/proxy/headers", headers: { "X-Access-Token": bought.token, "Content-Length": "4", "Transfer-Encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end("0\r\n\r\n");
    }).catch(() => 400);
    expect(status).toBe(400);
  });

  it("when the upstream is down, then after the configured failures the breaker answers 503 at once; when it is back, the half-open probe closes it", async () => {
    const bought = await fx.buyToken();
    expect((await get("/headers", { "X-Access-Token": bought.token })).status).toBe(200);
    await fx.stopUpstream();
    for (let i = 0; i < 3; i++) {
      const res = await get("/headers", { "X-Access-Token": bought.token });
      expect(res.status).toBe(503);
    }
    const started = performance.now();
    const open = await get("/headers", { "X-Access-Token": bought.token });
    const elapsed = performance.now() - started;
    expect(open.status).toBe(503);
    expect(open.headers.get("retry-after")).toBeTruthy();
    expect(errorBodySchema.parse(await open.json()).error_code).toBe("UPSTREAM_UNAVAILABLE");
    console.log(`503 with the breaker open: ${elapsed.toFixed(1)} ms`);

    await fx.startUpstream();
    const recovered = await waitFor(
      async () => {
        const res = await get("/headers", { "X-Access-Token": bought.token });
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: "the breaker to close" },
    );
    expect(recovered.status).toBe(200);
  });
});
