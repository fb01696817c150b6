import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { errorBodySchema } from "@tollgate/contracts";
import { startProxyFixture, type ProxyFixture } from "./support/proxy-fixture";

interface Echo {
  method: string;
  bytes: number;
  sha256: string;
  content_length: string | null;
  transfer_encoding: string | null;
}

/** A raw request, so the test controls every header and how the body is framed. */
function rawRequest(url: string, options: { method?: string; headers: Record<string, string>; body?: Buffer | Readable }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (options.body instanceof Readable) options.body.pipe(req);
    else req.end(options.body);
  });
}

describe("proxy forwarding", () => {
  let fx: ProxyFixture;
  let token: string;

  beforeAll(async () => {
    fx = await startProxyFixture({ upstreamHeadersTimeoutMs: 500 });
    token = (await fx.buyToken()).token;
  });

  afterAll(async () => {
    await fx.close();
  });

  const url = (path: string) => `${fx.proxyUrl}/api/v1/proxy${path}`;

  it("when a POST carries a 1 MiB body with Content-Length, then the upstream receives every byte", async () => {
    const body = randomBytes(1024 * 1024);
    const res = await rawRequest(url("/echo"), { method: "POST", headers: { "X-Access-Token": token, "Content-Type": "application/octet-stream", "Content-Length": String(body.length) }, body });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body.toString("utf8")) as Echo;
    expect(echo).toMatchObject({ method: "POST", bytes: body.length, sha256: createHash("sha256").update(body).digest("hex"), content_length: String(body.length) });
  });

  it("when a body arrives chunked, then it reaches the upstream whole", async () => {
    const parts = [randomBytes(70_000), randomBytes(3), randomBytes(200_000)];
    const res = await rawRequest(url("/echo"), { method: "PUT", headers: { "X-Access-Token": token, "Content-Type": "application/octet-stream" }, body: Readable.from(parts) });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body.toString("utf8")) as Echo;
    const all = Buffer.concat(parts);
    expect(echo).toMatchObject({ method: "PUT", bytes: all.length, sha256: createHash("sha256").update(all).digest("hex") });
  });

  it("when the client sends hop-by-hop headers or names headers in Connection, then the upstream sees none of them", async () => {
    const res = await rawRequest(url("/headers"), { headers: { "X-Access-Token": token, Connection: "keep-alive, X-Hop-Secret", "X-Hop-Secret": "for the proxy only", "Keep-Alive": "timeout=5", TE: "trailers", "X-End-To-End": "kept" } });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body.toString("utf8")) as { headers: Record<string, string> };
    expect(seen.headers["x-end-to-end"]).toBe("kept");
    expect(seen.headers["x-hop-secret"]).toBeUndefined();
    expect(seen.headers["keep-alive"]).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
  });

  it("when the request is HEAD, then the upstream's headers come back and no body", async () => {
    const res = await rawRequest(url("/bytes/1000"), { method: "HEAD", headers: { "X-Access-Token": token } });
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe("1000");
    expect(res.body.length).toBe(0);
  });

  it("when a large download's client goes away mid-body, then the proxy stays healthy for the next request", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url("/bytes/10000000"), { headers: { "X-Access-Token": token } }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
    });
    const next = await fetch(url("/bytes/2000"), { headers: { "X-Access-Token": token } });
    expect(next.status).toBe(200);
    expect((await next.arrayBuffer()).byteLength).toBe(2000);
  });

  it("when the upstream answers slower than the timeout, then 503 UPSTREAM_UNAVAILABLE in the standard body", async () => {
    const started = performance.now();
    const res = await fetch(url("/slow?ms=3000"), { headers: { "X-Access-Token": token } });
    expect(res.status).toBe(503);
    expect(errorBodySchema.parse(await res.json()).error_code).toBe("UPSTREAM_UNAVAILABLE");
    expect(performance.now() - started).toBeLessThan(2_900);
  });
});
