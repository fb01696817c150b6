import { randomUUID } from "node:crypto";
import { createRedis } from "@tollgate/service-kit";
import { testInfra } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import { RedisMatchmakingQueue } from "../src/data/redis-matchmaking.queue";
import { quietLogger } from "./support/instance";

const WINDOW = { base: 100, step: 50, stepMs: 5_000 };
const TIMEOUT_MS = 60_000;

describe("the matchmaking queue's pairing (Redis, Lua)", () => {
  let redis: Redis;
  let queue: RedisMatchmakingQueue;
  let prefix: string;

  beforeAll(() => {
    redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger: quietLogger(), name: "matchmaking-queue-test" });
  });

  beforeEach(() => {
    prefix = `game:mm-unit-${randomUUID().slice(0, 8)}:`;
    queue = new RedisMatchmakingQueue(redis, TIMEOUT_MS, prefix);
  });

  afterEach(async () => {
    await redis.del(`${prefix}queue`);
  });

  afterAll(() => {
    redis.disconnect();
  });

  it("when two players are 300 apart, then they are not paired at first and are once the longer waiter has waited 20 s (100 + 4 × 50)", async () => {
    const t0 = new Date("2026-11-30T12:00:00Z");
    const [low, high] = [randomUUID(), randomUUID()];
    await queue.enqueue(low, 1500, t0);
    await queue.enqueue(high, 1800, new Date(t0.getTime() + 1_000));
    expect((await queue.takePairs(new Date(t0.getTime() + 2_000), TIMEOUT_MS, WINDOW)).pairs).toEqual([]);
    expect((await queue.takePairs(new Date(t0.getTime() + 19_999), TIMEOUT_MS, WINDOW)).pairs).toEqual([]);
    const { pairs } = await queue.takePairs(new Date(t0.getTime() + 20_000), TIMEOUT_MS, WINDOW);
    expect(pairs).toEqual([{ player1: { userId: low, rating: 1500 }, player2: { userId: high, rating: 1800 } }]);
    expect(await redis.zcard(`${prefix}queue`)).toBe(0);
  });

  it("when four players queue, then the closest ratings are paired first, each player once", async () => {
    const now = new Date("2026-11-30T12:00:00Z");
    const players = [
      { id: randomUUID(), rating: 1500 },
      { id: randomUUID(), rating: 1540 },
      { id: randomUUID(), rating: 1545 },
      { id: randomUUID(), rating: 1600 },
    ];
    for (const player of players) await queue.enqueue(player.id, player.rating, now);
    const { pairs } = await queue.takePairs(now, TIMEOUT_MS, WINDOW);
    const ratings = pairs.map((pair) => [pair.player1.rating, pair.player2.rating].sort());
    // 1540-1545 (gap 5) first; then 1500-1600 (gap 100) is still within the window.
    expect(ratings).toEqual([
      [1540, 1545],
      [1500, 1600],
    ]);
    expect(await queue.takePairs(now, TIMEOUT_MS, WINDOW)).toEqual({ pairs: [], expired: [] });
  });

  it("when a player has waited the timeout, then the pass drops them as expired instead of pairing them", async () => {
    const t0 = new Date("2026-11-30T12:00:00Z");
    const [old, fresh] = [randomUUID(), randomUUID()];
    await queue.enqueue(old, 1500, t0);
    await queue.enqueue(fresh, 1500, new Date(t0.getTime() + TIMEOUT_MS - 1));
    const result = await queue.takePairs(new Date(t0.getTime() + TIMEOUT_MS), TIMEOUT_MS, WINDOW);
    expect(result).toEqual({ pairs: [], expired: [{ userId: old, queuedAt: t0 }] });
    expect(await queue.status(old)).toEqual({ status: "idle" });
    expect((await queue.status(fresh)).status).toBe("queued");
  });

  it("when a player queues twice, then the second enqueue is refused", async () => {
    const user = randomUUID();
    expect(await queue.enqueue(user, 1500, new Date())).toBe(true);
    expect(await queue.enqueue(user, 1500, new Date())).toBe(false);
    expect(await queue.dequeue(user)).toBe(true);
    expect(await queue.dequeue(user)).toBe(false);
  });
});
