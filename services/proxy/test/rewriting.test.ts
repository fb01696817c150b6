import { gunzipSync } from "node:zlib";
import { rewriteCss, rewriteHtml, rewriteJs, rewriteJson, rewriteSetCookie, rewriteUrl } from "../src/upstream/rewriter";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

const ctx = { upstreamOrigin: "http://app.internal:8080", prefix: "/api/v1/proxy" };

describe("rewriter", () => {
  it("when a URL points at the upstream or the root, then it points into the prefix; others stay", () => {
    expect(rewriteUrl("http://app.internal:8080/a/b?c=1", ctx)).toBe("/api/v1/proxy/a/b?c=1");
    expect(rewriteUrl("/a", ctx)).toBe("/api/v1/proxy/a");
    expect(rewriteUrl("/api/v1/proxy/a", ctx)).toBe("/api/v1/proxy/a");
    expect(rewriteUrl("//cdn.example.org/x.js", ctx)).toBe("//cdn.example.org/x.js");
    expect(rewriteUrl("https://example.org/x", ctx)).toBe("https://example.org/x");
    expect(rewriteUrl("relative/path", ctx)).toBe("relative/path");
  });

  it("when HTML has URL attributes, then absolute and root-relative ones are rewritten and the shim is injected", () => {
    const html = '<html><head><title>t</title></head><body><a href="http://app.internal:8080/x">x</a><img src="/logo.png"><a href="https://other.org/">o</a><form action=\'/go\'></form></body></html>';
    const out = rewriteHtml(html, ctx);
    expect(out).toContain('href="/api/v1/proxy/x"');
    expect(out).toContain('src="/api/v1/proxy/logo.png"');
    expect(out).toContain('href="https://other.org/"');
    expect(out).toContain("action='/api/v1/proxy/go'");
    expect(out).toMatch(/<head><script data-tollgate-shim>/);
  });

  it("when CSS uses url(), then root-relative and absolute upstream URLs are rewritten", () => {
    expect(rewriteCss('a { background: url("/bg.png") } b { background: url(http://app.internal:8080/i.svg) }', ctx)).toBe(
      'a { background: url("/api/v1/proxy/bg.png") } b { background: url(/api/v1/proxy/i.svg) }',
    );
  });

  it("when JavaScript holds upstream URLs in strings, then they are rewritten", () => {
    expect(rewriteJs('const a = "http://app.internal:8080/api"; fetch(\'/data\'); const b = 4 / 2;', ctx)).toBe(
      "const a = \"/api/v1/proxy/api\"; fetch('/api/v1/proxy/data'); const b = 4 / 2;",
    );
  });

  it("when JSON values are links, then they are rewritten and other values kept", () => {
    expect(JSON.parse(rewriteJson('{"self":"http://app.internal:8080/items/1","next":"/items?page=2","name":"/ not a link? still root-relative","n":3}', ctx))).toEqual({
      self: "/api/v1/proxy/items/1",
      next: "/api/v1/proxy/items?page=2",
      name: "/api/v1/proxy/ not a link? still root-relative",
      n: 3,
    });
  });

  it("when a cookie is scoped to the upstream, then its Domain is dropped and its Path moved under the prefix", () => {
    expect(rewriteSetCookie("sid=1; Domain=app.internal; Path=/; HttpOnly", ctx)).toBe("sid=1; Path=/api/v1/proxy/; HttpOnly");
  });
});

describe("rewriting through the proxy", () => {
  let fx: ProxyFixture;
  let token: string;

  beforeAll(async () => {
    fx = await startProxyFixture();
    token = (await fx.buyToken()).token;
  });

  afterAll(async () => {
    await fx.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${fx.proxyUrl}/api/v1/proxy${path}`, { headers: { "X-Access-Token": token, ...headers }, redirect: "manual" });

  it("when the upstream serves HTML, CSS, JS and JSON, then their links point through the proxy", async () => {
    const html = await (await get("/")).text();
    expect(html).toContain('href="/api/v1/proxy/page/about"');
    expect(html).toContain('href="/api/v1/proxy/page/contact"');
    expect(html).not.toContain(fx.upstreamUrl);
    const css = await (await get("/static/site.css")).text();
    expect(css).toContain('url("/api/v1/proxy/static/bg.svg")');
    expect(css).toContain("url(/api/v1/proxy/static/logo.svg)");
    const js = await (await get("/static/app.js")).text();
    expect(js).toContain('"/api/v1/proxy/api/data"');
    const json = (await (await get("/api/data")).json()) as { self: string; next: string };
    expect(json).toMatchObject({ self: "/api/v1/proxy/api/data", next: "/api/v1/proxy/api/data?page=2" });
  });

  it("when the upstream redirects or sets a cookie, then Location and Set-Cookie are rewritten", async () => {
    const redirect = await get("/redirect");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/api/v1/proxy/page/landing");
    const cookie = await get("/cookie");
    const setCookie = cookie.headers.get("set-cookie") ?? "";
    expect(setCookie).toContain("Path=/api/v1/proxy/");
    expect(setCookie.toLowerCase()).not.toContain("domain=");
  });

  it("when HTML arrives gzip-encoded, then it is decoded, rewritten and sent with a correct length", async () => {
    const res = await get("/gzip", { "Accept-Encoding": "gzip" });
    const body = Buffer.from(await res.arrayBuffer());
    // fetch decodes transparently when Content-Encoding is set; we send identity, so the body is plain.
    const text = res.headers.get("content-encoding") === "gzip" ? gunzipSync(body).toString() : body.toString();
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(Number(res.headers.get("content-length"))).toBe(body.length);
    expect(text).toContain('href="/api/v1/proxy/page/zipped"');
  });

  it("when a body is binary or over the rewrite cap, then it streams through unchanged", async () => {
    const big = await get("/bytes/200000");
    expect(big.status).toBe(200);
    expect((await big.arrayBuffer()).byteLength).toBe(200_000);
  });
});
