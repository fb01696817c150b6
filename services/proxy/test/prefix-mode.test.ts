import net from "node:net";
import { mountStrictUpstream, type SeenRequest } from "./support/strict-upstream";
import { requestWithHost } from "./support/host-request";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

describe("the path prefix for API clients", () => {
  let fx: ProxyFixture;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    fx = await startProxyFixture({ mountUpstream: (server) => mountStrictUpstream(server, seen) });
  });

  afterAll(async () => {
    await fx.close();
  });

  it("when /api/v1/proxy comes without its slash, then 308 to the slash, keeping the query", async () => {
    const bare = await fetch(`${fx.proxyUrl}/api/v1/proxy`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/api/v1/proxy/");
    const withQuery = await fetch(`${fx.proxyUrl}/api/v1/proxy?a=1&b=2`, { method: "POST", redirect: "manual" });
    expect(withQuery.status).toBe(308);
    expect(withQuery.headers.get("location")).toBe("/api/v1/proxy/?a=1&b=2");
  });

  it("when no app origin is configured, then a launch with a good token is 404 APP_ORIGIN_NOT_CONFIGURED and with a bad one 401", async () => {
    const bought = await fx.buyToken();
    const res = await fetch(`${fx.proxyUrl}/api/v1/proxy/launch`, { method: "POST", headers: { "X-Access-Token": bought.token } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error_code: string }).error_code).toBe("APP_ORIGIN_NOT_CONFIGURED");
    const unknown = await fetch(`${fx.proxyUrl}/api/v1/proxy/launch`, { method: "POST", headers: { "X-Access-Token": "Q".repeat(64) } });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error_code: string }).error_code).toBe("TOKEN_INVALID");
  });

  it("when a same-origin page under the prefix POSTs, then the upstream sees its own origin in Origin and Referer, the public host in X-Forwarded-Host with its port", async () => {
    const bought = await fx.buyToken();
    const gateway = "gateway.test:8443";
    const res = await requestWithHost(fx.proxyUrl, "127.0.0.1", "/api/v1/proxy/api/contents", {
      method: "POST",
      headers: { "x-access-token": bought.token, "x-forwarded-host": gateway, "x-forwarded-proto": "https", origin: `https://${gateway}`, referer: `https://${gateway}/api/v1/proxy/tree` },
      body: "{}",
    });
    expect(res.status).toBe(201);
    const post = seen.filter((request) => request.url === "/api/contents").at(-1);
    expect(post?.headers).toMatchObject({
      host: new URL(fx.upstreamUrl).host,
      origin: fx.upstreamUrl,
      referer: `${fx.upstreamUrl}/tree`,
      "x-forwarded-host": gateway,
      "x-forwarded-port": "8443",
      "x-forwarded-proto": "https",
    });
  });

  it("when the client sends forwarding or identity headers of its own (X-Real-IP, underscore spellings, X-Forwarded-For from a hop we do not trust), then the upstream sees only ours", async () => {
    const bought = await fx.buyToken();
    const res = await requestWithHost(fx.proxyUrl, "127.0.0.1", "/api/v1/proxy/echo?access_token=leak&keep=1", {
      headers: { "x-access-token": bought.token, "x-real-ip": "7.7.7.7", x_user_id: "evil", x_tollgate_jwt_assertion: "forged", forwarded: "for=6.6.6.6" },
    });
    const echoed = JSON.parse(res.body.toString()) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe("/echo?keep=1");
    expect(echoed.headers["x-real-ip"]).toBeUndefined();
    expect(echoed.headers.x_user_id).toBeUndefined();
    expect(echoed.headers.x_tollgate_jwt_assertion).toBeUndefined();
    expect(echoed.headers.forwarded).toBeUndefined();
    expect(echoed.headers["x-user-id"]).toBe(bought.userId);
  });

  it("when a path has dot segments, plain or percent-encoded, or the request two Host headers, then 400 and nothing reaches the upstream", async () => {
    const bought = await fx.buyToken();
    const before = seen.length;
    for (const path of ["/api/v1/proxy/%2e%2e/secret.txt", "/api/v1/proxy/..%2fsecret.txt", "/api/v1/proxy/a/%2E%2E/b", "/api/v1/proxy/a/./b"]) {
      const res = await requestWithHost(fx.proxyUrl, "127.0.0.1", path, { headers: { "x-access-token": bought.token } });
      expect([path, res.status, JSON.parse(res.body.toString()).error_code]).toEqual([path, 400, "BAD_PATH"]);
    }
    const twoHosts = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(Number(new URL(fx.proxyUrl).port), "127.0.0.1", () => {
        socket.end(`GET /api/v1/proxy/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.test\r\nX-Access-Token: ${bought.token}\r\nConnection: close\r\n\r\n`);
      });
      let answer = "";
      socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
      socket.on("end", () => resolve(Number(answer.split(" ")[1])));
      socket.on("error", reject);
    });
    expect(twoHosts).toBe(400);
    expect(seen.length).toBe(before);
    expect((await requestWithHost(fx.proxyUrl, "127.0.0.1", "/api/v1/proxy/file.tar.gz", { headers: { "x-access-token": bought.token } })).status).toBe(200);
  });

  it("when a page is fetched under the prefix, then its script text, JSON and inline script reach the client unchanged", async () => {
    const bought = await fx.buyToken();
    for (const path of ["/static/app.js", "/data.json"]) {
      const through = await fetch(`${fx.proxyUrl}/api/v1/proxy${path}`, { headers: { "X-Access-Token": bought.token } });
      expect(await through.text()).toBe(await (await fetch(`${fx.upstreamUrl}${path}`)).text());
    }
    const page = await (await fetch(`${fx.proxyUrl}/api/v1/proxy/`, { headers: { "X-Access-Token": bought.token } })).text();
    expect(page).toContain("<script>window.BASE = '/static/'</script>");
    expect(page).not.toContain("data-tollgate-shim");
  });
});

describe("an upstream URL with a base path", () => {
  let fx: ProxyFixture;
  const seen: SeenRequest[] = [];
  const APP_ORIGIN = "http://app.localhost:18082";

  beforeAll(async () => {
    fx = await startProxyFixture({ upstreamBasePath: "/sub", appPublicOrigin: APP_ORIGIN, mountUpstream: (server) => mountStrictUpstream(server, seen) });
  });

  afterAll(async () => {
    await fx.close();
  });

  it("when the proxy starts with UPSTREAM_URL=http://host:port/sub, then both the prefix and the app origin reach /sub/<path>", async () => {
    const bought = await fx.buyToken();
    const viaPrefix = await fetch(`${fx.proxyUrl}/api/v1/proxy/echo?q=1`, { headers: { "X-Access-Token": bought.token } });
    expect(((await viaPrefix.json()) as { url: string }).url).toBe("/sub/echo?q=1");
    const viaApp = await requestWithHost(fx.proxyUrl, new URL(APP_ORIGIN).host, "/echo?q=2", { headers: { "x-access-token": bought.token } });
    expect(JSON.parse(viaApp.body.toString()).url).toBe("/sub/echo?q=2");
    const root = await fetch(`${fx.proxyUrl}/api/v1/proxy/`, { headers: { "X-Access-Token": bought.token } });
    expect(root.status).toBe(200);
    expect(seen.at(-1)?.url).toBe("/sub/");
  });
});
