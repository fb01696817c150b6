import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { startDedicatedRedis, startE2eStack, waitFor, type DedicatedRedis, type E2eStack } from "@tollgate/test-harness";
import { GatewayClient, type StackUser } from "./support/gateway-client";

/** The proxy's default GRANT_MAX_AGE_SECONDS: a grant's life in Redis. */
const GRANT_MAX_AGE_MS = 10_000;

/**
 * A revocation arrives while the proxy's Redis connection has just been dropped and Redis does not
 * answer: the event must not be committed as handled while the grant is still in Redis, and the
 * proxy refuses the token meanwhile (issue: the evict failed, the event was committed anyway, and
 * the token answered 200 until it expired).
 */
describe("a revocation while the proxy's Redis hiccups", () => {
  let redis: DedicatedRedis;
  let stack: E2eStack;
  let gateway: GatewayClient;
  let user: StackUser;
  let inspector: Redis;

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    stack = await startE2eStack({ env: { proxy: { REDIS_URL: redis.url } } });
    gateway = new GatewayClient(stack.gatewayUrl);
    user = await gateway.newUser();
    inspector = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await inspector.connect();
  });

  afterAll(async () => {
    inspector?.disconnect();
    await stack?.stop();
    await redis?.dispose();
  });

  it("when the proxy's connection is killed and Redis freezes as the revocation arrives, then the token is refused at once and its grant leaves Redis once Redis is back", async () => {
    const bought = await gateway.buyToken(user);
    const cachedAt = Date.now();
    expect(await gateway.proxyStatus(bought.token)).toBe(200);
    const grantKey = `proxy:token:${createHash("sha256").update(bought.token).digest("hex")}`;
    expect(await inspector.exists(grantKey)).toBe(1);

    // Drop every connection but ours (the proxy's), then freeze: its reconnection and the evict both fail.
    const killed = await inspector.client("KILL", "SKIPME", "yes", "TYPE", "normal");
    expect(Number(killed)).toBeGreaterThan(0);
    redis.freeze();
    try {
      await gateway.revoke(user, bought.id);
      const refusedBy = Date.now() + 2_000;
      await waitFor(async () => (await gateway.proxyStatus(bought.token)) === 401, { timeoutMs: 5_000, intervalMs: 50, what: "the revoked token to be refused" });
      // Refused for the whole freeze, never admitted again.
      while (Date.now() < refusedBy) expect(await gateway.proxyStatus(bought.token)).toBe(401);
    } finally {
      redis.thaw();
    }

    // The handler was retried, not committed with its effect missing: the grant leaves Redis, well
    // before its own expiry (GRANT_MAX_AGE after it was cached) could have removed it.
    await waitFor(async () => (await inspector.exists(grantKey)) === 0, { timeoutMs: 15_000, intervalMs: 100, what: "the grant to leave Redis" });
    expect(Date.now() - cachedAt).toBeLessThan(GRANT_MAX_AGE_MS - 1_000);
    expect(await gateway.proxyStatus(bought.token)).toBe(401);
  });
});
