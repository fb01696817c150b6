import { startDedicatedRedis, testInfra, waitFor, type DedicatedRedis } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import { closeRedis, createRedis, unavailableDependency, withinCommandTimeout, type RedisProfile } from "../src";
import { captureLogger } from "./support";

describe("createRedis", () => {
  it("when Redis answers, then a store client reads and writes, even a command sent before the connection is up", async () => {
    const redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger: captureLogger().logger, name: "kit-test" });
    try {
      await redis.set("kit:test:key", "v", "EX", 10);
      expect(await redis.get("kit:test:key")).toBe("v");
    } finally {
      await closeRedis(redis);
    }
  });

  it("when a connected client is duplicated, then the copy too queues what is sent before its own connection is up, and refuses at once only after", async () => {
    const redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger: captureLogger().logger, name: "kit-test" });
    await waitFor(() => redis.status === "ready", { what: "the client to connect" });
    const copy = redis.duplicate();
    try {
      await expect(copy.ping()).resolves.toBe("PONG");
      expect(copy.options.enableOfflineQueue).toBe(false);
    } finally {
      await Promise.all([closeRedis(copy), closeRedis(redis)]);
    }
  });

  it("when Redis is unreachable, then a cache client fails the command at once instead of queueing it", async () => {
    const { logger, capture } = captureLogger();
    const redis = createRedis({ url: "redis://127.0.0.1:1", profile: "cache", logger, name: "kit-cache" });
    try {
      await expect(redis.get("anything")).rejects.toThrow();
      // The failed connection is reported to the log, not thrown at the process.
      expect(await waitFor(() => capture.text().includes("redis error"), { what: "the connection error line" })).toBe(true);
    } finally {
      await closeRedis(redis);
    }
  });
});

/** How long a rejected command took, and the 503 it maps to. */
async function failure(command: Promise<unknown>): Promise<{ ms: number; dependency: string | undefined; retryAfter: string | undefined }> {
  const started = performance.now();
  const error = await command.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  const ms = performance.now() - started;
  if (error === undefined) throw new Error("the command succeeded");
  const mapped = unavailableDependency(error);
  return { ms, dependency: mapped?.dependency, retryAfter: mapped?.headers["Retry-After"] };
}

describe("createRedis when its Redis stops, hangs or dies (issue #17)", () => {
  let server: DedicatedRedis;
  const clients: Redis[] = [];
  const client = async (profile: RedisProfile) => {
    const redis = createRedis({ url: server.url, profile, logger: captureLogger().logger, name: `kit-outage-${profile}` });
    clients.push(redis);
    await waitFor(() => redis.status === "ready", { what: `the ${profile} client to connect` });
    return redis;
  };
  const restart = async () => {
    await server.start();
    await Promise.all(clients.map((redis) => waitFor(() => redis.status === "ready", { timeoutMs: 5_000, what: "the client to reconnect" })));
  };

  beforeAll(async () => {
    server = await startDedicatedRedis();
  });
  afterAll(async () => {
    await Promise.all(clients.map((redis) => closeRedis(redis)));
    await server?.dispose();
  });

  it.each(["store", "cache", "subscriber"] as const)("when Redis is stopped, then a %s client refuses every command at once as redis unavailable, and answers again once Redis is back, without a new client", async (profile) => {
    const redis = await client(profile);
    const probe = profile === "subscriber" ? () => redis.subscribe("kit:outage:probe") : () => redis.get("kit:outage:key");
    await server.stop();
    await waitFor(() => redis.status !== "ready", { what: "the client to see the connection close" });
    for (let attempt = 0; attempt < 5; attempt++) {
      const { ms, dependency, retryAfter } = await failure(probe());
      expect({ dependency, retryAfter }).toEqual({ dependency: "redis", retryAfter: "2" });
      // Nothing waits for a reconnection; a few ms at most on a loaded machine.
      expect(ms).toBeLessThan(50);
    }
    const back = performance.now();
    await restart();
    await expect(probe()).resolves.toBeDefined();
    // Reconnection attempts back off to at most 2 s apart.
    expect(performance.now() - back).toBeLessThan(2_500);
  });

  it("when Redis is frozen (SIGSTOP), then a store command fails after the 1 s command timeout as redis unavailable, and the next one after thawing answers", async () => {
    const redis = await client("store");
    server.freeze();
    try {
      const { ms, dependency } = await failure(redis.get("kit:outage:key"));
      expect(dependency).toBe("redis");
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(1_300);
    } finally {
      server.thaw();
    }
    await expect(redis.set("kit:outage:key", "after", "EX", 10)).resolves.toBe("OK");
  });

  it("when Redis dies with a command in flight, then the command fails as soon as the connection drops, not at the next reconnection", async () => {
    const redis = await client("store");
    server.freeze();
    const inFlight = failure(redis.get("kit:outage:key"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const crashed = performance.now();
    await server.crash();
    const { dependency } = await inFlight;
    expect(dependency).toBe("redis");
    // Well before the 1 s command timeout would have ended it (about 950 ms were left).
    expect(performance.now() - crashed).toBeLessThan(300);
    await restart();
  });

  it("when Redis restarts, then a subscriber gets its channel's messages again; a SUBSCRIBE while Redis is frozen is bounded by the store's command timeout", async () => {
    const [subscriber, store] = [await client("subscriber"), await client("store")];
    const received: string[] = [];
    subscriber.on("message", (_channel: string, message: string) => received.push(message));
    await subscriber.subscribe("kit:outage:channel");
    await server.stop();
    await restart();
    // ioredis subscribes again on its own once ready.
    await waitFor(async () => (await store.publish("kit:outage:channel", "after restart")) === 1, { timeoutMs: 5_000, what: "the resubscription" });
    await waitFor(() => received.includes("after restart"), { what: "the message after the restart" });

    server.freeze();
    let late = false;
    try {
      const { ms, dependency } = await failure(withinCommandTimeout(subscriber.subscribe("kit:outage:other"), store, () => (late = true)));
      expect(dependency).toBe("redis");
      expect(ms).toBeLessThan(1_300);
    } finally {
      server.thaw();
    }
    // The SUBSCRIBE went through after all: its caller is told, to undo it.
    await waitFor(() => late, { what: "the late SUBSCRIBE to be reported" });
  });
});
