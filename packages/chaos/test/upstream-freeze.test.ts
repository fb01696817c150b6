import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { attachEchoSocket, createDemoApp } from "@tollgate/demo-upstream-service";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import WebSocket from "ws";
import { breakerState, buyToken, newUser, processEnv, sleep, timedFetch, type Timed } from "./support/load-gateway";

/**
 * #17 part 5, the upstream frozen: connections are accepted, nothing answers (what a stopped
 * process or a deadlocked application looks like from the proxy). The proxy runs with its
 * defaults: UPSTREAM_HEADERS_TIMEOUT_MS 5 s, breaker after 5 failures, half-open after 5 s.
 * Before the fix UPSTREAM_TIMEOUT_MS (30 s) was the only bound: in a 10 s freeze all 50 requests
 * were held up to 9.85 s, in a 36 s one the first 503 came after 30 s.
 */
const HEADERS_TIMEOUT_MS = 5_000;
const HALF_OPEN_MS = 5_000;
/** undici checks its time-outs on a coarse (up to 1 s) timer, and the machine may be loaded. */
const SLACK_MS = 2_000;
/** "At once": no upstream wait at all, with room for a machine other test runs load heavily. */
const AT_ONCE_MS = 1_000;
const FREEZE_MS = 10_000;

/** The demo application, plus a freeze switch and a download that trickles for `DOWNLOAD_MS`. */
const DOWNLOAD_MS = 8_000;
const DOWNLOAD_CHUNKS = 16;
function freezableUpstream() {
  let frozen = false;
  const held: (() => void)[] = [];
  let url = "";
  const demo = createDemoApp(() => url);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (frozen) return void held.push(() => handle(req, res));
    if (req.url !== "/download") return void demo(req, res);
    res.writeHead(200, { "Content-Type": "application/octet-stream" });
    let sent = 0;
    const tick = setInterval(() => {
      res.write(Buffer.alloc(1_024, 7));
      if (++sent === DOWNLOAD_CHUNKS) {
        clearInterval(tick);
        res.end();
      }
    }, DOWNLOAD_MS / DOWNLOAD_CHUNKS);
  };
  const server = http.createServer(handle);
  attachEchoSocket(server);
  return {
    server,
    listen: async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return url;
    },
    freeze: () => (frozen = true),
    /** Like SIGCONT: what arrived during the freeze is answered now. */
    thaw: () => {
      frozen = false;
      for (const release of held.splice(0)) release();
    },
  };
}

describe("upstream frozen (#17 part 5)", () => {
  const upstream = freezableUpstream();
  let stack: E2eStack;
  let token: string;
  let proxyMetrics: string;
  const proxied = (path: string) => timedFetch(`${stack.gatewayUrl}/api/v1/proxy${path}`, { headers: { "X-Access-Token": token } });

  beforeAll(async () => {
    stack = await startE2eStack({ upstreamUrl: await upstream.listen() });
    token = await buyToken(stack.gatewayUrl, await newUser(stack.gatewayUrl));
    proxyMetrics = `http://127.0.0.1:${processEnv(stack.processes.get("proxy")).PORT}/metrics`;
    expect((await proxied("/headers")).status).toBe(200);
  });

  afterAll(async () => {
    upstream.thaw();
    upstream.server.closeAllConnections();
    upstream.server.close();
    await stack?.stop();
  });

  it("when the upstream freezes for 10 s under 5 req/s, then no request is held much past the headers time-out, the breaker opens and answers at once, and the first request after the thaw's half-open delay closes it", async () => {
    upstream.freeze();
    const frozenAt = performance.now();
    // When the breaker's gauge first reads open, polled beside the requests.
    let openedAt: number | undefined;
    const watching = (async () => {
      while (openedAt === undefined && performance.now() - frozenAt < FREEZE_MS) {
        if ((await breakerState(proxyMetrics, "upstream")) === 1) openedAt = performance.now() - frozenAt;
        else await sleep(50);
      }
    })();
    const sent: Promise<Timed & { sentAt: number }>[] = [];
    for (let i = 0; i < FREEZE_MS / 200; i++) {
      const sentAt = performance.now() - frozenAt;
      sent.push(proxied(`/headers?i=${i}`).then((answer) => ({ ...answer, sentAt })));
      await sleep(Math.max(0, frozenAt + (i + 1) * 200 - performance.now()));
    }
    await watching;
    upstream.thaw();
    const thawedAt = performance.now();
    const answers = await Promise.all(sent);
    // Recovery first, so a failed assertion below leaves the breaker closed for the tests after it.
    await waitFor(async () => (await proxied("/headers")).status === 200, { timeoutMs: HALF_OPEN_MS + SLACK_MS, intervalMs: 100, what: "the upstream breaker to close after the thaw" });
    const recoveredMs = performance.now() - thawedAt;
    expect(await breakerState(proxyMetrics, "upstream")).toBe(0);

    const refusals = answers.filter((answer) => answer.status === 503);
    for (const answer of answers) {
      expect({ status: answer.status, errorCode: answer.status === 503 ? answer.errorCode : undefined }).toEqual(
        answer.status === 503 ? { status: 503, errorCode: "UPSTREAM_UNAVAILABLE" } : { status: 200, errorCode: undefined },
      );
      expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    }
    const firstRefusalAt = Math.min(...refusals.map((answer) => answer.sentAt + answer.ms));
    expect(firstRefusalAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(firstRefusalAt).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(openedAt).toBeDefined();
    const opened = openedAt ?? FREEZE_MS;
    expect(opened).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
    // Requests sent while the breaker was open (before its half-open delay) were refused at once, not held.
    const whileOpen = answers.filter((answer) => answer.sentAt > opened + 50 && answer.sentAt < opened + HALF_OPEN_MS - 100);
    expect(whileOpen.length).toBeGreaterThanOrEqual(10);
    for (const answer of whileOpen) {
      expect({ status: answer.status, fast: answer.ms < AT_ONCE_MS }).toEqual({ status: 503, fast: true });
    }
    console.log(
      `upstream frozen ${FREEZE_MS / 1000} s, ${answers.length} requests: first 503 after ${Math.round(firstRefusalAt)} ms; breaker open after ${Math.round(opened)} ms; longest held ${Math.round(Math.max(...answers.map((answer) => answer.ms)))} ms; ${whileOpen.length} sent while open, answered in at most ${Math.round(Math.max(...whileOpen.map((answer) => answer.ms)))} ms; recovered ${Math.round(recoveredMs)} ms after the thaw`,
    );
  });

  it("when a download streams for longer than the headers time-out, then it arrives whole", async () => {
    expect(await breakerState(proxyMetrics, "upstream")).toBe(0);
    const download = await proxied("/download");
    expect(download.status).toBe(200);
    expect(download.body.length).toBe(DOWNLOAD_CHUNKS * 1_024);
    expect(download.ms).toBeGreaterThan(DOWNLOAD_MS - 500);
  });

  it("when a WebSocket stays idle for longer than the connect and headers time-outs together, then it stays open and still echoes", async () => {
    const socket = new WebSocket(`${stack.gatewayUrl.replace("http", "ws")}/api/v1/proxy/ws/echo`, { headers: { "X-Access-Token": token } });
    const messages: string[] = [];
    let closed = false;
    socket.on("message", (data: Buffer) => messages.push(data.toString()));
    socket.on("close", () => (closed = true));
    await waitFor(async () => messages.length > 0, { timeoutMs: 5_000, intervalMs: 20, what: "the echo's hello" });
    await sleep(3_000 + HEADERS_TIMEOUT_MS + 1_000);
    expect(closed).toBe(false);
    socket.send("still here");
    await waitFor(async () => messages.includes("still here"), { timeoutMs: 2_000, intervalMs: 20, what: "the echo after the idle period" });
    socket.close();
  });
});
