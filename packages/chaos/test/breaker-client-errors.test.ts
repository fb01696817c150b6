import { randomBytes } from "node:crypto";
import { startE2eStack, type E2eStack } from "@tollgate/test-harness";
import { breakerState, buyToken, newUser, processEnv, timedFetch, type StackUser } from "./support/load-gateway";

/**
 * #17, the rule for every breaker: only 5xx answers, time-outs and connection errors count; a 4xx
 * never does, so no client can open a breaker for everyone by sending what a service refuses.
 * The proxy's breakers open after 5 consecutive failures (its defaults); each kind below is sent
 * hundreds of times in a row.
 */
const ROUNDS = 200;

/** Access tokens that are not tokens: wrong length, wrong alphabet, control and non-ASCII characters, huge. */
function malformedToken(i: number): string {
  const shapes = [
    () => "x".repeat(300 + (i % 50)),
    () => "é".repeat(64),
    () => "a b".repeat(22),
    () => randomBytes(20).toString("hex"),
    () => `${randomBytes(48).toString("base64url").slice(0, 63)}!`,
    () => randomBytes(48).toString("base64"),
    () => "",
    () => "null",
    () => "%00".repeat(30),
    () => "\t".repeat(64),
  ];
  return shapes[i % shapes.length]?.() ?? "x";
}

describe("breakers and client errors (#17)", () => {
  let stack: E2eStack;
  let user: StackUser;
  let proxyMetrics: string;
  const proxied = (path: string, token: string, init: RequestInit = {}) =>
    timedFetch(`${stack.gatewayUrl}/api/v1/proxy${path}`, { ...init, headers: { "X-Access-Token": token, ...(init.headers as Record<string, string> | undefined) } });

  beforeAll(async () => {
    stack = await startE2eStack();
    user = await newUser(stack.gatewayUrl);
    proxyMetrics = `http://127.0.0.1:${processEnv(stack.processes.get("proxy")).PORT}/metrics`;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const expectClosed = async () => {
    expect(await breakerState(proxyMetrics, "token_service")).toBe(0);
    expect(await breakerState(proxyMetrics, "upstream")).toBe(0);
  };

  it("when hundreds of malformed and unknown access tokens arrive, then each is refused with 401, the token service's breaker stays closed, and a real user's uncached token still gets 200 at once", async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < ROUNDS; i++) {
      // Malformed ones are refused without a lookup; unknown well-formed ones are looked up and refused by the token service.
      const value = i % 2 === 0 ? malformedToken(i) : randomBytes(48).toString("base64url");
      let answer;
      try {
        answer = await proxied("/headers", value);
      } catch {
        // fetch itself refuses some header values (control characters): nothing was sent.
        continue;
      }
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    expect([...statuses.keys()]).toEqual([401]);
    expect(statuses.get(401)).toBeGreaterThanOrEqual(ROUNDS * 0.8);
    await expectClosed();
    const real = await proxied("/headers", await buyToken(stack.gatewayUrl, user));
    expect(real.status).toBe(200);
    expect(real.ms).toBeLessThan(1_000);
  });

  it("when hundreds of requests provoke 400, 404 and 422 answers from the proxy, the token service and the upstream, then no breaker opens and a real user's uncached token still gets 200", async () => {
    const token = await buyToken(stack.gatewayUrl, user);
    const provocations: (() => Promise<{ status: number }>)[] = [
      // The token service refuses a purchase it cannot parse: 422.
      () => timedFetch(`${stack.gatewayUrl}/api/v1/tokens/purchase`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken}` }, body: JSON.stringify({ duration_hours: -1 }) }),
      () => timedFetch(`${stack.gatewayUrl}/api/v1/tokens/purchase`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${user.accessToken}` }, body: "{not json" }),
      // The proxy refuses a launch body it cannot accept: 422 (the token validated first).
      () => proxied("/launch", token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path: "https://elsewhere.example" }) }),
      // The proxy refuses a path with dot segments: 400, nothing forwarded.
      () => proxied("/a/%2e%2e/b", token),
      // The upstream answers 404: its answer, not its failure.
      () => proxied(`/no-such-page-${randomBytes(4).toString("hex")}`, token),
    ];
    const statuses = new Map<number, number>();
    for (let i = 0; i < ROUNDS * 2; i++) {
      const provoke = provocations[i % provocations.length];
      if (!provoke) continue;
      const answer = await provoke();
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    }
    for (const status of statuses.keys()) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    await expectClosed();
    const real = await proxied("/headers", await buyToken(stack.gatewayUrl, user));
    expect(real.status).toBe(200);
    console.log(`client errors sent through the gateway: ${JSON.stringify(Object.fromEntries(statuses))}; breakers closed`);
  });

  it("when clients give up on slow upstream requests before the answer, again and again, then the upstream's breaker stays closed", async () => {
    const token = await buyToken(stack.gatewayUrl, user);
    for (let i = 0; i < 20; i++) {
      await expect(fetch(`${stack.gatewayUrl}/api/v1/proxy/slow?ms=1000`, { headers: { "X-Access-Token": token }, signal: AbortSignal.timeout(100) })).rejects.toThrow();
    }
    // The proxy sees the gateway drop each connection; give the last ones a moment to settle.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await expectClosed();
    expect((await proxied("/headers", token)).status).toBe(200);
  });
});
