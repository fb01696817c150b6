import { randomUUID } from "node:crypto";
import { closeRedis, createLogger, createRedis, unavailableDependency } from "@tollgate/service-kit";
import { startDedicatedRedis, waitFor, type DedicatedRedis } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import { RevokedSessions } from "../src/auth/revoked-sessions";

describe("revoked sessions when Redis loses them or is down", () => {
  let server: DedicatedRedis;
  let redis: Redis;
  let other: Redis;

  beforeAll(async () => {
    server = await startDedicatedRedis();
    const logger = createLogger({ service: "game-realtime-test", level: "error" });
    redis = createRedis({ url: server.url, profile: "store", logger, name: "this-instance" });
    other = createRedis({ url: server.url, profile: "store", logger, name: "other-instance" });
  });
  afterAll(async () => {
    await Promise.all([closeRedis(redis), closeRedis(other)]);
    await server?.dispose();
  });

  it("when Redis restarts empty, then a session and a user this instance saw revoked stay refused; one revoked by another instance afterwards is found in Redis", async () => {
    const here = new RevokedSessions(redis);
    const [user, session, disabled] = [randomUUID(), randomUUID(), randomUUID()];
    await here.revokeSession(session);
    await here.disableUser(disabled);
    await server.stop();
    await server.start();
    await waitFor(() => redis.status === "ready" && other.status === "ready", { timeoutMs: 5_000, what: "both clients to reconnect" });
    expect(await redis.dbsize()).toBe(0);

    expect(await here.check(user, session)).toBe("SESSION_REVOKED");
    expect(await here.check(disabled, randomUUID())).toBe("USER_DISABLED");
    expect(await here.check(user, randomUUID())).toBeUndefined();
    const later = randomUUID();
    await new RevokedSessions(other).revokeSession(later);
    expect(await here.check(user, later)).toBe("SESSION_REVOKED");
  });

  it("when Redis is down, then a session this instance saw revoked is refused without it, and any other check fails as redis unavailable (never passes)", async () => {
    const here = new RevokedSessions(redis);
    const [user, session] = [randomUUID(), randomUUID()];
    await here.revokeSession(session);
    await server.stop();
    try {
      expect(await here.check(user, session)).toBe("SESSION_REVOKED");
      const error = await here.check(user, randomUUID()).catch((reason: unknown) => reason);
      expect(unavailableDependency(error)?.dependency).toBe("redis");
    } finally {
      await server.start();
      // The next tests write at once; a client still reconnecting refuses (no offline queue).
      await waitFor(() => redis.status === "ready" && other.status === "ready", { timeoutMs: 10_000, what: "both clients to reconnect" });
    }
  });

  it("when a revocation is older than its TTL, then this instance forgets it too", async () => {
    let now = Date.now();
    const here = new RevokedSessions(redis, { ttlSeconds: 60, now: () => now });
    const [user, session] = [randomUUID(), randomUUID()];
    await here.revokeSession(session);
    await redis.del(`game:revoked:session:${session}`);
    expect(await here.check(user, session)).toBe("SESSION_REVOKED");
    now += 61_000;
    expect(await here.check(user, session)).toBeUndefined();
  });

  it("when a disabled user is enabled again, then their new sessions may be used here and on another instance, and a revoked session stays refused", async () => {
    const here = new RevokedSessions(redis);
    const there = new RevokedSessions(other);
    const [user, oldSession, newSession] = [randomUUID(), randomUUID(), randomUUID()];
    await here.disableUser(user);
    await here.revokeSession(oldSession);
    expect(await there.check(user, newSession)).toBe("USER_DISABLED");

    await Promise.all([here.enableUser(user), there.enableUser(user)]);
    expect(await here.check(user, newSession)).toBeUndefined();
    expect(await there.check(user, newSession)).toBeUndefined();
    expect(await here.check(user, oldSession)).toBe("SESSION_REVOKED");
  });
});
