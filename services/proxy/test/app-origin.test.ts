import { proxyLaunchResponseSchema } from "@tollgate/contracts";
import { waitFor } from "@tollgate/test-harness";
import WebSocket from "ws";
import { requestWithHost } from "./support/host-request";
import { mountStrictUpstream, type SeenRequest } from "./support/strict-upstream";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

const APP_ORIGIN = "http://app.localhost:18080";
const APP_HOST = "app.localhost:18080";

/** A request as a browser on the app origin sends it: Host names the app origin. */
const onApp = (proxyUrl: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) => requestWithHost(proxyUrl, APP_HOST, path, options);

async function direct(upstreamUrl: string, path: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`${upstreamUrl}${path}`)).arrayBuffer());
}

describe("the app origin", () => {
  let fx: ProxyFixture;
  const seen: SeenRequest[] = [];

  beforeAll(async () => {
    fx = await startProxyFixture({ appPublicOrigin: APP_ORIGIN, appLaunchTtlSeconds: 2, mountUpstream: (server) => mountStrictUpstream(server, seen) });
  });

  afterAll(async () => {
    await fx.close();
  });

  async function launch(token: string, body?: unknown) {
    const res = await fetch(`${fx.proxyUrl}/api/v1/proxy/launch`, {
      method: "POST",
      headers: { "X-Access-Token": token, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Launch and open: the cookie a browser would hold. */
  async function signIn(token: string): Promise<string> {
    const launched = proxyLaunchResponseSchema.parse((await launch(token)).body);
    const opened = await onApp(fx.proxyUrl, new URL(launched.url).pathname + new URL(launched.url).search);
    const cookie = String(opened.headers["set-cookie"]?.[0] ?? "");
    return cookie.split(";")[0] ?? "";
  }

  it("when a launch URL is opened, then an HttpOnly SameSite=Lax cookie names a session and the browser lands on the path", async () => {
    const bought = await fx.buyToken();
    const launched = await launch(bought.token, { path: "/tree?x=1" });
    expect(launched.status).toBe(201);
    const body = proxyLaunchResponseSchema.parse(launched.body);
    expect(body.app_origin).toBe(APP_ORIGIN);
    expect(body.url).toMatch(/^http:\/\/app\.localhost:18080\/\.tollgate\/launch\?ticket=[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expires_at) - Date.now()).toBeLessThanOrEqual(2_000);

    const opened = await onApp(fx.proxyUrl, new URL(body.url).pathname + new URL(body.url).search);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe("/tree?x=1");
    const cookie = String(opened.headers["set-cookie"]?.[0]);
    expect(cookie).toMatch(/^tollgate_app_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(bought.token);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(23 * 3600);
    expect(maxAge).toBeLessThanOrEqual(24 * 3600);
  });

  it("when a ticket is opened twice or after its deadline, then 401 LAUNCH_TICKET_INVALID", async () => {
    const bought = await fx.buyToken();
    const first = proxyLaunchResponseSchema.parse((await launch(bought.token)).body);
    const path = new URL(first.url).pathname + new URL(first.url).search;
    expect((await onApp(fx.proxyUrl, path)).status).toBe(303);
    const again = await onApp(fx.proxyUrl, path);
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body.toString()).error_code).toBe("LAUNCH_TICKET_INVALID");

    const late = proxyLaunchResponseSchema.parse((await launch(bought.token)).body);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    const expired = await onApp(fx.proxyUrl, new URL(late.url).pathname + new URL(late.url).search);
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.body.toString()).error_code).toBe("LAUNCH_TICKET_INVALID");
    expect((await onApp(fx.proxyUrl, "/.tollgate/launch?ticket=not-a-ticket")).status).toBe(401);
  });

  it("when the page, its script and its data are fetched on the app origin, then each is the upstream's bytes unchanged", async () => {
    const bought = await fx.buyToken();
    const cookie = await signIn(bought.token);
    for (const path of ["/", "/static/app.js", "/data.json"]) {
      const through = await onApp(fx.proxyUrl, path, { headers: { cookie } });
      expect(through.status).toBe(200);
      expect(through.body.equals(await direct(fx.upstreamUrl, path))).toBe(true);
    }
    const page = (await onApp(fx.proxyUrl, "/", { headers: { cookie } })).body.toString();
    expect(page).toContain("window.BASE = '/static/'");
    expect(page).not.toContain("data-tollgate-shim");
  });

  it("when the page POSTs to its own API, then the upstream sees Origin and Host that agree and accepts it; a foreign Origin passes unchanged and is refused", async () => {
    const bought = await fx.buyToken();
    const cookie = await signIn(bought.token);
    const upstreamHost = new URL(fx.upstreamUrl).host;
    const accepted = await onApp(fx.proxyUrl, "/api/contents", { method: "POST", headers: { cookie, origin: APP_ORIGIN, referer: `${APP_ORIGIN}/tree`, "content-type": "application/json" }, body: "{}" });
    expect(accepted.status).toBe(201);
    const post = seen.filter((request) => request.url === "/api/contents").at(-1);
    expect(post?.headers).toMatchObject({
      host: upstreamHost,
      origin: fx.upstreamUrl,
      referer: `${fx.upstreamUrl}/tree`,
      "x-forwarded-host": APP_HOST,
      "x-forwarded-port": "18080",
      "x-forwarded-proto": "http",
      "x-user-id": bought.userId,
    });
    expect(post?.headers.cookie).toBeUndefined();

    const foreign = await onApp(fx.proxyUrl, "/api/contents", { method: "POST", headers: { cookie, origin: "http://evil.test" }, body: "{}" });
    expect(foreign.status).toBe(403);
    expect(seen.filter((request) => request.url === "/api/contents").at(-1)?.headers.origin).toBe("http://evil.test");
  });

  it("when the browser sends its own cookies and Tollgate's, then only the app's reach the upstream", async () => {
    const bought = await fx.buyToken();
    const cookie = await signIn(bought.token);
    const echoed = JSON.parse((await onApp(fx.proxyUrl, "/echo", { headers: { cookie: `app_pref=dark; ${cookie}; tollgate_other=x`, "x-user-id": "spoofed" } })).body.toString());
    expect(echoed.headers.cookie).toBe("app_pref=dark");
    expect(echoed.headers["x-user-id"]).toBe(bought.userId);
    expect(JSON.stringify(echoed.headers)).not.toContain(cookie.split("=")[1]);
  });

  it("when the page opens ws://<its host>/ws, then the socket connects and the upstream's Origin check passes", async () => {
    const bought = await fx.buyToken();
    const cookie = await signIn(bought.token);
    const socket = new WebSocket(`${fx.proxyUrl.replace("http", "ws")}/ws`, { headers: { host: APP_HOST, origin: APP_ORIGIN, cookie } });
    const messages: string[] = [];
    socket.on("message", (data) => messages.push(data.toString()));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    });
    await waitFor(() => messages.length > 0, { what: "the hello" });
    expect(JSON.parse(messages[0] ?? "{}")).toEqual({ type: "hello", user_id: bought.userId });
    socket.close();
  });

  it("when a desktop connector sends X-Access-Token instead of a cookie, then the app origin serves it", async () => {
    const bought = await fx.buyToken();
    const res = await onApp(fx.proxyUrl, "/data.json", { headers: { "x-access-token": bought.token } });
    expect(res.status).toBe(200);
    expect(res.body.equals(await direct(fx.upstreamUrl, "/data.json"))).toBe(true);
  });

  it("when there is no session, then a browser gets a page saying how to sign in and an API client the JSON body", async () => {
    const page = await onApp(fx.proxyUrl, "/", { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(page.status).toBe(401);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body.toString()).toContain("Sign-in needed");
    expect(page.body.toString()).toContain(String(page.headers["x-request-id"]));
    const json = await onApp(fx.proxyUrl, "/data.json", { headers: { accept: "application/json" } });
    expect(json.status).toBe(401);
    expect(JSON.parse(json.body.toString())).toMatchObject({ error_code: "APP_SESSION_INVALID", status_code: 401 });
    expect(seen.some((request) => request.headers["x-request-id"] === page.headers["x-request-id"])).toBe(false);
  });

  it("when the token is revoked, then the session's socket closes with 4401 and the next page load is the refusal page", async () => {
    const bought = await fx.buyToken();
    const cookie = await signIn(bought.token);
    const socket = new WebSocket(`${fx.proxyUrl.replace("http", "ws")}/ws`, { headers: { host: APP_HOST, origin: APP_ORIGIN, cookie } });
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    });
    const revoked = await fetch(`${fx.tokenUrl}/api/v1/tokens/${bought.id}/revoke`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${bought.userToken}` }, body: "{}" });
    expect(revoked.status).toBe(200);
    expect(await closed).toBe(4401);
    const page = await onApp(fx.proxyUrl, "/", { headers: { cookie, accept: "text/html" } });
    expect(page.status).toBe(401);
    expect(page.body.toString()).toContain("Your access was revoked");
  });

  it("when the upstream redirects to its own absolute URL, then the browser is sent to the same path on the app origin", async () => {
    const bought = await fx.buyToken();
    const res = await onApp(fx.proxyUrl, "/go", { headers: { "x-access-token": bought.token } });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/landed");
  });

  it("when the launch body is not a root-relative path, then 422 and no ticket", async () => {
    const bought = await fx.buyToken();
    for (const path of ["//evil.test/", "https://evil.test/", "relative", "/\\evil.test"]) {
      const res = await launch(bought.token, { path });
      expect(res.status).toBe(422);
    }
    expect((await launch("", undefined)).status).toBe(401);
  });

  it("when a second app-session cookie is planted beside the real one (another path, a page script), then the request has no session at all", async () => {
    const victim = await fx.buyToken();
    const attacker = await fx.buyToken();
    const victimCookie = await signIn(victim.token);
    const attackerCookie = await signIn(attacker.token);
    for (const cookie of [`${attackerCookie}; ${victimCookie}`, `${victimCookie}; ${attackerCookie}`]) {
      const res = await onApp(fx.proxyUrl, "/echo", { headers: { cookie } });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body.toString()).error_code).toBe("APP_SESSION_INVALID");
    }
    expect((await onApp(fx.proxyUrl, "/echo", { headers: { cookie: victimCookie } })).status).toBe(200);
  });

  it("when the Host names the app's host with another port or a trailing dot, then it is still the app origin: the proxy's own routes (metrics, docs, health) are never served on it", async () => {
    const bought = await fx.buyToken();
    for (const host of ["app.localhost:9999", "app.localhost.:18080", "APP.localhost"]) {
      for (const path of ["/metrics", "/docs/", "/health/ready", "/openapi.json"]) {
        const res = await requestWithHost(fx.proxyUrl, host, path, { headers: { "x-access-token": bought.token } });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body.toString()).url).toBe(path);
      }
      expect((await requestWithHost(fx.proxyUrl, host, "/metrics")).status).toBe(401);
    }
  });

  it("when a launch ticket or session issued for another app origin is presented, then it is refused", async () => {
    const bought = await fx.buyToken();
    const other = await startProxyFixture({ appPublicOrigin: "http://other.localhost:18090", mountUpstream: (server) => mountStrictUpstream(server, []) });
    try {
      const launched = proxyLaunchResponseSchema.parse((await (await fetch(`${other.proxyUrl}/api/v1/proxy/launch`, { method: "POST", headers: { "X-Access-Token": (await other.buyToken()).token } })).json()));
      const foreign = await onApp(fx.proxyUrl, new URL(launched.url).pathname + new URL(launched.url).search);
      expect(foreign.status).toBe(401);
      expect(JSON.parse(foreign.body.toString()).error_code).toBe("LAUNCH_TICKET_INVALID");
      const cookie = await signIn(bought.token);
      const elsewhere = await requestWithHost(other.proxyUrl, "other.localhost:18090", "/echo", { headers: { cookie } });
      expect(elsewhere.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
