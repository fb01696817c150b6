import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { Pool, type Dispatcher } from "undici";
import { UpstreamResponseWriter } from "./response-writer";
import type { RewriteContext } from "./url-mapping";

// The writer between a stub upstream (the outside world) and a bare front server; no forwarder.
const prefixMode: RewriteContext = { upstreamOrigin: "http://127.0.0.1:3999", basePath: "", prefix: "/api/v1/proxy", rewriteBodies: true };
const appOrigin: RewriteContext = { ...prefixMode, prefix: "", rewriteBodies: false };
const MAX_BYTES = 4096;

const JS_JOIN = 'var joined = ["a","b"].join("/");\n';
const JS_REGEX = `var s = 'say "hi"'.replace(/"/g, "'");\n`;
const JSON_PATHS = '{"file":"/var/data/report.csv","note":"/etc/hosts","re":"/Date(1)/"}';
const LOOKALIKES = '<a href="http://127.0.0.1:39990/x">a</a><a href="http://127.0.0.1:3999.evil.test/x">b</a>';
const PAGE = '<html><body><a href="http://127.0.0.1:3999/x">x</a><script>fetch("/y")</script></body></html>';
const PAGE_REWRITTEN = '<html><body><a href="/api/v1/proxy/x">x</a><script>fetch("/y")</script></body></html>';

const routes: Record<string, { status?: number; headers: OutgoingHttpHeaders; body: Buffer | string }> = {
  "/join.js": { headers: { "content-type": "application/javascript", etag: '"j1"' }, body: JS_JOIN },
  "/regex.js.gz": { headers: { "content-type": "text/javascript", "content-encoding": "gzip", etag: '"j2"' }, body: gzipSync(JS_REGEX) },
  "/data.json": { headers: { "content-type": "application/json", etag: '"d1"' }, body: JSON_PATHS },
  "/lookalikes.html": { headers: { "content-type": "text/html; charset=utf-8", etag: '"h1"' }, body: LOOKALIKES },
  "/page.html.gz": { headers: { "content-type": "text/html", "content-encoding": "gzip", etag: '"h2"', "accept-ranges": "bytes" }, body: gzipSync(PAGE) },
  "/latin1.html": { headers: { "content-type": "text/html" }, body: Buffer.concat([Buffer.from('<a href="/x">caf'), Buffer.from([0xe9]), Buffer.from("</a>")]) },
  "/lying.html": { headers: { "content-type": "text/html", "content-encoding": "gzip" }, body: PAGE },
  "/partial.html": { status: 206, headers: { "content-type": "text/html", "content-range": "bytes 0-9/99" }, body: '<a href="/' },
  "/big.html": { headers: { "content-type": "text/html" }, body: `<a href="/x">x</a>${" ".repeat(MAX_BYTES)}` },
  // Small on the wire, far over the limit once decoded (a compression bomb, in miniature).
  "/bomb.html.gz": { headers: { "content-type": "text/html", "content-encoding": "gzip" }, body: gzipSync(`<a href="/x">x</a>${" ".repeat(64 * MAX_BYTES)}`) },
  "/redirect": {
    status: 302,
    headers: {
      location: "http://127.0.0.1:3999/landing?q=1",
      "content-location": "http://127.0.0.1:39990/x",
      refresh: "5; url=http://127.0.0.1:3999.evil.test/x",
      "set-cookie": ["sid=1; Domain=127.0.0.1; Path=/; HttpOnly", "pref=2; Path=/a"],
    },
    body: "",
  },
  "/lookalike-redirect": { status: 302, headers: { location: "http://127.0.0.1:39990/x", refresh: "0; url=http://127.0.0.1:3999/n" }, body: "" },
};

interface Received {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe("upstream response writer", () => {
  let upstream: Server;
  let front: Server;
  let pool: Pool;
  let frontUrl: string;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      const route = routes[req.url ?? ""];
      if (!route) return void res.writeHead(404).end();
      res.writeHead(route.status ?? 200, route.headers);
      res.end(req.method === "HEAD" ? undefined : route.body);
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    pool = new Pool(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
    front = http.createServer((req, res) => {
      const ctx = req.headers["x-side"] === "app" ? appOrigin : prefixMode;
      const failed = () => (res.headersSent ? res.destroy() : res.writeHead(502).end());
      const writer = new UpstreamResponseWriter(res, ctx, MAX_BYTES, { done: () => undefined, failed }, req.method === "HEAD");
      pool.dispatch({ path: req.url ?? "/", method: (req.method ?? "GET") as Dispatcher.HttpMethod, headers: {} }, writer);
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => front.close(resolve));
    await new Promise((resolve) => upstream.close(resolve));
  });

  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    new Promise<Received>((resolve, reject) => {
      const req = http.request(`${frontUrl}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });

  const expectUntouched = (received: Received, path: string) => {
    const route = routes[path];
    expect(received.body.equals(Buffer.from(route?.body ?? ""))).toBe(true);
    expect(received.headers["content-encoding"]).toBe(route?.headers["content-encoding"]);
    expect(received.headers.etag).toBe(route?.headers.etag);
  };

  it("when JavaScript joins on '/' or holds a regex literal, then the upstream's bytes and headers come through (issue 14, 1 and 2)", async () => {
    const join = await get("/join.js");
    expect(join.body.toString()).toBe(JS_JOIN);
    expectUntouched(join, "/join.js");
    const regex = await get("/regex.js.gz");
    expectUntouched(regex, "/regex.js.gz");
    expect(regex.headers["content-encoding"]).toBe("gzip");
  });

  it("when JSON values look like paths, then the upstream's bytes come through (issue 14, 3)", async () => {
    const json = await get("/data.json");
    expect(json.body.toString()).toBe(JSON_PATHS);
    expectUntouched(json, "/data.json");
  });

  it("when HTML names origins that only start like the upstream's, then it comes through unchanged with its ETag (issue 14, 4)", async () => {
    const html = await get("/lookalikes.html");
    expect(html.body.toString()).toBe(LOOKALIKES);
    expectUntouched(html, "/lookalikes.html");
    expect(html.headers["content-length"]).toBe(String(LOOKALIKES.length));
  });

  it("when headers name origins that only start like the upstream's, then they stay (issue 14, 4)", async () => {
    const redirect = await get("/lookalike-redirect");
    expect(redirect.headers.location).toBe("http://127.0.0.1:39990/x");
    expect(redirect.headers.refresh).toBe("0; url=/api/v1/proxy/n");
    const other = await get("/redirect");
    expect(other.headers["content-location"]).toBe("http://127.0.0.1:39990/x");
    expect(other.headers.refresh).toBe("5; url=http://127.0.0.1:3999.evil.test/x");
  });

  it("when gzip-encoded HTML links to the upstream, then it is decoded, rewritten and sent plain without ETag or Accept-Ranges", async () => {
    const page = await get("/page.html.gz");
    expect(page.body.toString()).toBe(PAGE_REWRITTEN);
    expect(page.headers["content-length"]).toBe(String(Buffer.byteLength(PAGE_REWRITTEN)));
    expect(page.headers["content-encoding"]).toBeUndefined();
    expect(page.headers.etag).toBeUndefined();
    expect(page.headers["accept-ranges"]).toBeUndefined();
  });

  it("when HTML is not UTF-8, lies about its encoding, is partial, too big, or too big once decoded, then its bytes come through as sent", async () => {
    for (const path of ["/latin1.html", "/lying.html", "/partial.html", "/big.html", "/bomb.html.gz"]) {
      const received = await get(path);
      expect(received.status).toBe(routes[path]?.status ?? 200);
      expectUntouched(received, path);
    }
  });

  it("when a HEAD asks for HTML, then the upstream's headers come back and no body", async () => {
    const head = await get("/page.html.gz", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.etag).toBe('"h2"');
    expect(head.body.length).toBe(0);
  });

  it("when the upstream redirects and sets cookies in prefix mode, then Location and Path point into the prefix and Domain is gone", async () => {
    const redirect = await get("/redirect");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe("/api/v1/proxy/landing?q=1");
    expect(redirect.headers["set-cookie"]).toEqual(["sid=1; Path=/api/v1/proxy/; HttpOnly", "pref=2; Path=/api/v1/proxy/a"]);
  });

  it("when bodies are not rewritten (app origin), then HTML streams untouched and headers map to root-relative", async () => {
    const page = await get("/page.html.gz", { "x-side": "app" });
    expectUntouched(page, "/page.html.gz");
    const redirect = await get("/redirect", { "x-side": "app" });
    expect(redirect.headers.location).toBe("/landing?q=1");
    expect(redirect.headers["set-cookie"]).toEqual(["sid=1; Path=/; HttpOnly", "pref=2; Path=/a"]);
  });
});
