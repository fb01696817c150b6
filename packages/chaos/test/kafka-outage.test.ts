import { startDedicatedKafka, startE2eStack, waitFor, type DedicatedKafka, type E2eStack } from "@tollgate/test-harness";
import { GatewayClient, type BoughtToken, type StackUser } from "./support/gateway-client";

/** The proxy's default GRANT_MAX_AGE_SECONDS, which the README states as the revocation bound. */
const GRANT_MAX_AGE_MS = 10_000;
/** What a loaded 2-core machine adds to the bound: one poll interval, one validation round trip. */
const SLACK_MS = 2_000;

/**
 * Kafka stopped under a running stack (its own broker, so nothing else is disturbed): revocations
 * acknowledged during the outage still take effect within GRANT_MAX_AGE; every consumer says it
 * cannot consume; after the broker returns they rejoin in seconds and events are fast again.
 */
describe("Kafka outage", () => {
  let kafka: DedicatedKafka;
  let stack: E2eStack;
  let gateway: GatewayClient;
  let user: StackUser;

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
    const brokers = { KAFKA_BROKERS: kafka.brokers.join(",") };
    stack = await startE2eStack({ env: { auth: brokers, token: brokers, proxy: brokers, "game-realtime": brokers } });
    gateway = new GatewayClient(stack.gatewayUrl);
    user = await gateway.newUser();
  });

  afterAll(async () => {
    await stack?.stop();
    kafka?.dispose();
  });

  it("when Kafka is stopped, then every token revoked during the outage is refused within GRANT_MAX_AGE, the services say they are degraded, and after it returns they rejoin in seconds", async () => {
    const tokens: BoughtToken[] = [];
    for (let i = 0; i < 10; i++) tokens.push(await gateway.buyToken(user));
    // Cached in the proxy (memory and Redis) before the outage.
    for (const bought of tokens) expect(await gateway.proxyStatus(bought.token)).toBe(200);

    kafka.stop();
    const revokedAt = new Map<string, number>();
    for (const bought of tokens) {
      await gateway.revoke(user, bought.id);
      revokedAt.set(bought.id, Date.now());
    }

    // Every revoked token refused within the bound, and never admitted again once refused.
    const refusedAfter = new Map<string, number>();
    await waitFor(
      async () => {
        for (const bought of tokens) {
          const status = await gateway.proxyStatus(bought.token);
          if (refusedAfter.has(bought.id)) expect(status).toBe(401);
          else if (status === 401) refusedAfter.set(bought.id, Date.now() - (revokedAt.get(bought.id) ?? 0));
          else expect(status).toBe(200);
        }
        return refusedAfter.size === tokens.length;
      },
      { timeoutMs: GRANT_MAX_AGE_MS + 10_000, intervalMs: 250, what: "every token revoked during the outage to be refused" },
    );
    const slowest = Math.max(...refusedAfter.values());
    process.stdout.write(`revoked during a Kafka outage → 401 after at most ${slowest} ms (bound ${GRANT_MAX_AGE_MS} ms)\n`);
    expect(slowest).toBeLessThanOrEqual(GRANT_MAX_AGE_MS + SLACK_MS);

    // Each consumer says it cannot consume; the services keep serving (degraded, not taken out).
    await waitFor(async () => (await gateway.health()).body.status === "degraded", { timeoutMs: 15_000, what: "the gateway to report degraded" });
    const degraded = await gateway.health();
    expect(degraded.status).toBe(200);
    for (const service of ["auth", "token", "proxy", "game-realtime"]) expect(degraded.body.services?.[service]).toMatch(/^degraded \(.*consumer: failed: /);
    const stillServing = await gateway.buyToken(user);
    expect(await gateway.proxyStatus(stillServing.token)).toBe(200);

    kafka.start();
    const back = Date.now();
    await waitFor(async () => (await gateway.health()).body.status === "ready", { timeoutMs: 30_000, intervalMs: 200, what: "every consumer to rejoin" });
    const rejoinMs = Date.now() - back;
    process.stdout.write(`every consumer ready again ${rejoinMs} ms after the broker returned\n`);
    expect(rejoinMs).toBeLessThan(12_000);

    // Events carry revocations again: a cached token is refused well inside the bound.
    expect(await gateway.proxyStatus(stillServing.token)).toBe(200);
    await gateway.revoke(user, stillServing.id);
    const revoked = Date.now();
    await waitFor(async () => (await gateway.proxyStatus(stillServing.token)) === 401, { timeoutMs: GRANT_MAX_AGE_MS, intervalMs: 50, what: "the revocation event" });
    expect(Date.now() - revoked).toBeLessThan(GRANT_MAX_AGE_MS / 2);
  });
});
