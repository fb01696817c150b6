import { testInfra, waitFor } from "@tollgate/test-harness";
import { closeRedis, createRedis } from "../src";
import { captureLogger } from "./support";

describe("createRedis", () => {
  it("when Redis answers, then a store client reads and writes", async () => {
    const redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger: captureLogger().logger, name: "kit-test" });
    try {
      await redis.set("kit:test:key", "v", "EX", 10);
      expect(await redis.get("kit:test:key")).toBe("v");
    } finally {
      await closeRedis(redis);
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
