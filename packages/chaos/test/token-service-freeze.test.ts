import { readFileSync } from "node:fs";
import path from "node:path";
import { GATEWAY_UPSTREAM_KEEPALIVE_MS, SERVER_HEADERS_TIMEOUT_MS, SERVER_KEEP_ALIVE_TIMEOUT_MS } from "@tollgate/service-kit";
import { startE2eStack, waitFor, type E2eStack } from "@tollgate/test-harness";
import { breakerState, buyToken, newUser, processEnv, sleep, timedFetch, type StackUser, type Timed } from "./support/load-gateway";

/**
 * #17 part 5, the token service frozen (SIGSTOP): the kernel still accepts connections, nothing
 * answers. The proxy runs with its defaults: TOKEN_SERVICE_TIMEOUT_MS 2 s, breaker after 5
 * failures, half-open after 5 s. Before the fix: 4.07 s per uncached validation (a time-out
 * retried), each half-open probe holding every request up to 2 s, and purchases answered by the
 * gateway's 503 after the thaw.
 */
const TIMEOUT_MS = 2_000;
const HALF_OPEN_MS = 5_000;
/** A loaded 2-core machine: timers fire late, processes are scheduled late. Below 2 s: a retried time-out (4 s) still fails. */
const SLACK_MS = 1_500;
/** "At once": the breaker answers without waiting on anything (well under the 2 s a probe or a time-out takes). */
const AT_ONCE_MS = 1_000;

describe("token service frozen (#17 part 5)", () => {
  let stack: E2eStack;
  let user: StackUser;
  let proxyMetrics: string;
  const proxied = (token: string) => timedFetch(`${stack.gatewayUrl}/api/v1/proxy/headers`, { headers: { "X-Access-Token": token } });
  const purchase = (buyer: StackUser) =>
    timedFetch(`${stack.gatewayUrl}/api/v1/tokens/purchase`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${buyer.accessToken}` }, body: JSON.stringify({ duration_hours: 1 }) });

  beforeAll(async () => {
    stack = await startE2eStack();
    user = await newUser(stack.gatewayUrl);
    proxyMetrics = `http://127.0.0.1:${processEnv(stack.processes.get("proxy")).PORT}/metrics`;
  });

  afterAll(async () => {
    stack?.processes.get("token")?.kill("SIGCONT");
    await stack?.stop();
  });

  it("when the gateway's configuration is rendered, then every service keeps idle connections longer than the gateway's upstream keep-alive, and waits for headers longer still", () => {
    const conf = readFileSync(path.join(stack.logDir, "gateway", "nginx.conf"), "utf8");
    const upstreams = [...conf.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)];
    expect(upstreams.map((match) => match[1])).toEqual(expect.arrayContaining(["tollgate_auth", "tollgate_token", "tollgate_proxy", "tollgate_game"]));
    for (const [, name, body] of upstreams) {
      expect({ name, keepalive: /\bkeepalive\s+\d+/.test(body ?? "") }).toEqual({ name, keepalive: true });
      // nginx's keepalive_timeout: 60 s unless set (ngx_http_upstream_keepalive_module); units ms, s, m.
      const set = /\bkeepalive_timeout\s+(\d+)(ms|s|m)?\s*;/.exec(body ?? "");
      const timeoutMs = set ? Number(set[1]) * ({ ms: 1, s: 1_000, m: 60_000 }[set[2] ?? "s"] ?? 1_000) : 60_000;
      expect({ name, timeoutMs }).toEqual({ name, timeoutMs: expect.any(Number) });
      expect(timeoutMs).toBeLessThanOrEqual(GATEWAY_UPSTREAM_KEEPALIVE_MS);
    }
    expect(SERVER_KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThan(GATEWAY_UPSTREAM_KEEPALIVE_MS);
    expect(SERVER_HEADERS_TIMEOUT_MS).toBeGreaterThan(SERVER_KEEP_ALIVE_TIMEOUT_MS);
  });

  it("when the token service is frozen, then uncached validations fail in one time-out, the breaker answers at once, a half-open probe holds no one else, purchases are answered right after the thaw, and it recovers", async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, () => buyToken(stack.gatewayUrl, user)));
    // A validation before the freeze: the proxy holds a service token, the gateway an idle connection to each service.
    expect((await proxied(tokens[7] ?? "")).status).toBe(200);
    // One purchase at a time per user (409 otherwise): a buyer each.
    const buyers = await Promise.all([1, 2, 3].map(() => newUser(stack.gatewayUrl)));
    expect((await purchase(user)).status).toBe(201);
    const uncached = tokens.slice(0, 7);
    const token = stack.processes.get("token");

    token?.kill("SIGSTOP");
    const frozenAt = performance.now();
    // Purchases sent into the freeze, on the gateway's idle keep-alive connection and new ones.
    const purchases = buyers.map((buyer) => purchase(buyer));

    // Five uncached validations at once: each fails after one time-out (no retry of the time-out).
    const first = await Promise.all(uncached.slice(0, 5).map((value) => proxied(value)));
    for (const answer of first) {
      expect({ status: answer.status, errorCode: answer.errorCode }).toEqual({ status: 503, errorCode: "SERVICE_UNAVAILABLE" });
      expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(answer.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    const breakerOpenedAt = performance.now();
    expect(await breakerState(proxyMetrics, "token_service")).toBe(1);

    // Open: every uncached validation is refused at once.
    const open = await Promise.all(uncached.map((value) => proxied(value)));
    for (const answer of open) {
      expect({ status: answer.status, errorCode: answer.errorCode }).toEqual({ status: 503, errorCode: "BREAKER_OPEN" });
      expect(answer.ms).toBeLessThan(AT_ONCE_MS);
    }

    // Half-open: one probe waits out its time-out; everyone else is answered at once meanwhile.
    await sleep(Math.max(0, breakerOpenedAt + HALF_OPEN_MS + 200 - performance.now()));
    const probe = proxied(uncached[0] ?? "");
    await sleep(200);
    const duringProbe = await Promise.all(uncached.slice(1).map((value) => proxied(value)));
    for (const answer of duringProbe) {
      expect({ status: answer.status, errorCode: answer.errorCode }).toEqual({ status: 503, errorCode: "BREAKER_OPEN" });
      expect(answer.ms).toBeLessThan(AT_ONCE_MS);
    }
    const probed: Timed = await probe;
    expect(probed.status).toBe(503);
    expect(probed.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);

    token?.kill("SIGCONT");
    const thawedAt = performance.now();
    const frozenMs = thawedAt - frozenAt;
    // Node's old 5 s keep-alive would have closed the gateway's idle connections at the thaw, under the purchases sent on them.
    expect(frozenMs).toBeGreaterThan(7_000);
    const bought = await Promise.all(purchases);
    const purchasesDoneAfterThawMs = performance.now() - thawedAt;
    expect(bought.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(purchasesDoneAfterThawMs).toBeLessThan(2 * SLACK_MS);

    // Recovery: the next probe after the half-open delay closes the breaker.
    await waitFor(async () => (await proxied(uncached[1] ?? "")).status === 200, { timeoutMs: HALF_OPEN_MS + TIMEOUT_MS + SLACK_MS * 2, intervalMs: 100, what: "the breaker to close after the thaw" });
    const recoveredMs = performance.now() - thawedAt;
    expect(await breakerState(proxyMetrics, "token_service")).toBe(0);
    for (const value of uncached) expect((await proxied(value)).status).toBe(200);
    console.log(
      `token service frozen ${Math.round(frozenMs)} ms: first 503s after ${first.map((answer) => Math.round(answer.ms)).join("/")} ms; breaker-open 503s max ${Math.round(Math.max(...open.map((answer) => answer.ms)))} ms; during the probe max ${Math.round(Math.max(...duringProbe.map((answer) => answer.ms)))} ms; probe ${Math.round(probed.ms)} ms; purchases answered ${Math.round(purchasesDoneAfterThawMs)} ms after the thaw; recovered ${Math.round(recoveredMs)} ms after the thaw`,
    );
  });
});
