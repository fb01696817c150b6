import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError, createLogger } from "@tollgate/service-kit";
import { CircuitState } from "cockatiel";
import { Forwarder } from "./forwarder";
import { upstreamTarget } from "./upstream-target";

const HEADERS_TIMEOUT_MS = 300;
/** undici checks its header and body time-outs on a coarse timer: up to a second late. */
const TIMER_SLACK_MS = 1_500;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A forwarder in front of `upstream`, behind a bare server that answers its refusals with their status. */
async function front(upstreamUrl: string, threshold = 3) {
  const forwarder = new Forwarder({
    target: upstreamTarget(upstreamUrl, false),
    connectTimeoutMs: 1_000,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: 2_000,
    breakerThreshold: threshold,
    halfOpenAfterMs: 200,
    maxSockets: 16,
    rewriteMaxBytes: 64 * 1024,
    logger: createLogger({ service: "forwarder-test", level: "error" }),
  });
  const { server, url } = await serve((req, res) => {
    forwarder.web(req, res, false, { origin: "http://127.0.0.1", prefix: "" }).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(error instanceof AppError ? error.statusCode : 500).end(error instanceof AppError ? error.errorCode : "");
    });
  });
  return { forwarder, url, close: async () => (server.closeAllConnections(), server.close(), forwarder.close()) };
}

const timed = async (url: string, init?: RequestInit) => {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
};

describe("Forwarder", () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it("when the upstream never answers, then each request gets 503 after the headers time-out, and once the breaker opens at once", async () => {
    const upstream = await serve(() => undefined);
    closers.push(async () => (upstream.server.closeAllConnections(), upstream.server.close()));
    const fx = await front(upstream.url);
    closers.push(fx.close);
    const hung = await Promise.all([1, 2, 3].map(() => timed(`${fx.url}/x`)));
    for (const answer of hung) {
      expect(answer).toMatchObject({ status: 503, body: "UPSTREAM_UNAVAILABLE" });
      expect(answer.ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 10);
      expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + TIMER_SLACK_MS);
    }
    expect(fx.forwarder.breaker.state).toBe(CircuitState.Open);
    const fast = await timed(`${fx.url}/x`);
    expect(fast.status).toBe(503);
    expect(fast.ms).toBeLessThan(100);
  });

  it("when a body streams for longer than the headers time-out, then it arrives whole, and a half-open probe is decided by its status line", async () => {
    const upstream = await serve((req, res) => {
      if (req.url === "/fail") return void res.writeHead(502).end();
      res.writeHead(200, { "Content-Type": "application/octet-stream" });
      res.flushHeaders();
      let sent = 0;
      const tick = setInterval(() => {
        res.write(Buffer.alloc(1_000, 1));
        if (++sent === 10) {
          clearInterval(tick);
          res.end();
        }
      }, 100);
    });
    closers.push(async () => (upstream.server.closeAllConnections(), upstream.server.close()));
    const fx = await front(upstream.url, 1);
    closers.push(fx.close);
    const download = await timed(`${fx.url}/download`);
    expect(download.status).toBe(200);
    expect(download.body.length).toBe(10_000);
    expect(download.ms).toBeGreaterThan(3 * HEADERS_TIMEOUT_MS);

    expect((await timed(`${fx.url}/fail`)).status).toBe(502);
    expect(fx.forwarder.breaker.state).toBe(CircuitState.Open);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // The probe: a long download. Its 200 closes the breaker before the body is through.
    const probe = timed(`${fx.url}/download`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fx.forwarder.breaker.state).toBe(CircuitState.Closed);
    expect((await probe).body.length).toBe(10_000);
  });

  it("while a half-open probe is in flight, then other requests get 503 at once instead of waiting for it", async () => {
    let frozen = true;
    const upstream = await serve((_req, res) => {
      if (!frozen) res.end("ok");
    });
    closers.push(async () => (upstream.server.closeAllConnections(), upstream.server.close()));
    const fx = await front(upstream.url, 1);
    closers.push(fx.close);
    expect((await timed(`${fx.url}/x`)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const probe = timed(`${fx.url}/probe`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fx.forwarder.breaker.state).toBe(CircuitState.HalfOpen);
    const others = await Promise.all([1, 2, 3, 4, 5].map(() => timed(`${fx.url}/other`)));
    for (const other of others) {
      expect(other.status).toBe(503);
      expect(other.ms).toBeLessThan(100);
    }
    expect((await probe).status).toBe(503);
    frozen = false;
  });

  it("when clients give up before the upstream answers, or it answers 4xx or 500, then the breaker stays closed", async () => {
    const upstream = await serve((req, res) => {
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 200);
      res.writeHead(req.url === "/bug" ? 500 : 404).end();
    });
    closers.push(async () => (upstream.server.closeAllConnections(), upstream.server.close()));
    const fx = await front(upstream.url, 2);
    closers.push(fx.close);
    for (let i = 0; i < 5; i++) {
      await expect(fetch(`${fx.url}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
      expect((await timed(`${fx.url}/missing`)).status).toBe(404);
      expect((await timed(`${fx.url}/bug`)).status).toBe(500);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(fx.forwarder.breaker.state).toBe(CircuitState.Closed);
    expect((await timed(`${fx.url}/slow`)).body).toBe("late");
  });

  it("when the upstream takes a WebSocket upgrade and never answers it, then the upgrade fails after the connect and headers time-outs", async () => {
    const upstream = await serve(() => undefined);
    upstream.server.on("upgrade", () => undefined);
    closers.push(async () => (upstream.server.closeAllConnections(), upstream.server.close()));
    const fx = await front(upstream.url);
    closers.push(fx.close);
    const server = http.createServer();
    let refused: unknown;
    server.on("upgrade", (req: IncomingMessage, socket) => {
      fx.forwarder.ws(req, socket, Buffer.alloc(0)).catch((error: unknown) => {
        refused = error;
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(async () => (server.closeAllConnections(), server.close()));
    const started = performance.now();
    const client = http.request({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, path: "/ws", headers: { Connection: "Upgrade", Upgrade: "websocket" } });
    client.on("error", () => undefined);
    client.end();
    await new Promise<void>((resolve) => client.once("close", () => resolve()));
    const elapsed = performance.now() - started;
    expect(refused).toMatchObject({ statusCode: 503, errorCode: "UPSTREAM_UNAVAILABLE" });
    expect(elapsed).toBeGreaterThanOrEqual(1_000 + HEADERS_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(1_000 + HEADERS_TIMEOUT_MS + TIMER_SLACK_MS);
  });
});
