import type { Server } from "node:http";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

// Unit tests of each rewriting concern sit beside the sources (src/upstream/*.test.ts); these
// go through the whole proxy, in prefix mode.

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
  const direct = (path: string) => fetch(`${fx.upstreamUrl}${path}`);

  it("when the upstream serves HTML, then exactly its URL attributes point through the proxy and nothing is injected", async () => {
    const original = await (await direct("/")).text();
    const expected = original
      .replace('href="/static/site.css"', 'href="/api/v1/proxy/static/site.css"')
      .replace(`src="${fx.upstreamUrl}/static/app.js"`, 'src="/api/v1/proxy/static/app.js"')
      .replace(`href="${fx.upstreamUrl}/page/about"`, 'href="/api/v1/proxy/page/about"')
      .replace('href="/page/contact"', 'href="/api/v1/proxy/page/contact"')
      .replace('src="/static/logo.svg"', 'src="/api/v1/proxy/static/logo.svg"')
      .replace('action="/api/submit"', 'action="/api/v1/proxy/api/submit"');
    expect(expected).not.toBe(original);
    const res = await get("/");
    const html = await res.text();
    expect(html).toBe(expected);
    expect(html).toContain('href="https://example.org/elsewhere"');
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(html));
  });

  it("when the upstream serves CSS, then only its url() tokens point through the proxy", async () => {
    const css = await (await get("/static/site.css")).text();
    expect(css).toBe('body { background: url("/api/v1/proxy/static/bg.svg"); }\n.logo { background-image: url(/api/v1/proxy/static/logo.svg); }\n');
  });

  it("when the upstream serves JavaScript and JSON, then their bytes and validators are the upstream's, absolute URLs included", async () => {
    for (const path of ["/static/app.js", "/api/data"]) {
      const upstream = await direct(path);
      const through = await get(path);
      expect(await through.text()).toBe(await upstream.text());
      expect(through.headers.get("etag")).toBe(upstream.headers.get("etag"));
      expect(through.headers.get("content-length")).toBe(upstream.headers.get("content-length"));
    }
  });

  it("when the upstream redirects or sets a cookie, then Location and Set-Cookie are mapped", async () => {
    const redirect = await get("/redirect");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("/api/v1/proxy/page/landing");
    const cookie = await get("/cookie");
    expect(cookie.headers.get("set-cookie")).toBe("demo_session=abc123; Path=/api/v1/proxy/; HttpOnly");
  });

  it("when HTML arrives gzip-encoded, then it is decoded, rewritten and sent plain with a correct length", async () => {
    const res = await get("/gzip", { "Accept-Encoding": "gzip" });
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(Number(res.headers.get("content-length"))).toBe(body.length);
    expect(body.toString()).toBe('<html><body><a id="gz" href="/api/v1/proxy/page/zipped">zipped</a></body></html>');
  });

  it("when a body is binary or over the rewrite cap, then it streams through unchanged", async () => {
    const big = await get("/bytes/200000");
    expect(big.status).toBe(200);
    expect((await big.arrayBuffer()).byteLength).toBe(200_000);
  });
});

/** Pages under /sub that name the upstream by absolute and root-relative URLs, and look-alikes. */
function mountBasePathUpstream(server: Server, publicUrl: () => string): void {
  server.on("request", (req, res) => {
    const up = publicUrl();
    if (req.url === "/sub/page") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        `<a href="${up}/sub/x?q=1">a</a><a href="/sub/y">b</a><a href="/other">c</a><a href="${up}/other">d</a>` +
          `<a href="${up}0/x">e</a><a href="${up}.evil.test/x">f</a><script>var joined = ["a","b"].join("/");</script>`,
      );
    } else if (req.url === "/sub/go") {
      res.writeHead(302, { Location: `${up}/sub/landed`, "Set-Cookie": `sid=1; Domain=127.0.0.1; Path=/sub/a; HttpOnly` });
      res.end();
    } else if (req.url === "/sub/lookalike") {
      res.writeHead(302, { Location: `${up}0/x`, Refresh: `0; url=${up}.evil.test/x` });
      res.end();
    } else {
      res.writeHead(404).end();
    }
  });
}

describe("rewriting through the proxy with a base path", () => {
  let fx: ProxyFixture;
  let token: string;

  beforeAll(async () => {
    fx = await startProxyFixture({ upstreamBasePath: "/sub", mountUpstream: mountBasePathUpstream });
    token = (await fx.buyToken()).token;
  });

  afterAll(async () => {
    await fx.close();
  });

  const get = (path: string) => fetch(`${fx.proxyUrl}/api/v1/proxy${path}`, { headers: { "X-Access-Token": token }, redirect: "manual" });

  it("when HTML names URLs under and outside the base path, then only those under it map, and look-alike origins stay (issue 14)", async () => {
    const up = fx.upstreamUrl;
    expect(await (await get("/page")).text()).toBe(
      `<a href="/api/v1/proxy/x?q=1">a</a><a href="/api/v1/proxy/y">b</a><a href="/other">c</a><a href="${up}/other">d</a>` +
        `<a href="${up}0/x">e</a><a href="${up}.evil.test/x">f</a><script>var joined = ["a","b"].join("/");</script>`,
    );
  });

  it("when the upstream redirects under its base path, then Location and the cookie's Path lose the base path", async () => {
    const res = await get("/go");
    expect(res.headers.get("location")).toBe("/api/v1/proxy/landed");
    expect(res.headers.get("set-cookie")).toBe("sid=1; Path=/api/v1/proxy/a; HttpOnly");
  });

  it("when Location and Refresh name origins that only start like the upstream's, then they stay (issue 14)", async () => {
    const res = await get("/lookalike");
    expect(res.headers.get("location")).toBe(`${fx.upstreamUrl}0/x`);
    expect(res.headers.get("refresh")).toBe(`0; url=${fx.upstreamUrl}.evil.test/x`);
  });
});
