import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./logger";

/**
 * How a Redis client behaves when Redis is slow or gone:
 * - cache: fail fast (short command timeout, no offline queue, one retry) so a caller can fall back.
 * - store: data we need (rate limits, presence); a little more patience, queue while reconnecting.
 * - subscriber: pub/sub connections; never give up on a command, reconnect forever.
 */
export type RedisProfile = "cache" | "store" | "subscriber";

const PROFILES: Record<RedisProfile, RedisOptions> = {
  cache: { commandTimeout: 250, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1_000 },
  store: { commandTimeout: 2_000, maxRetriesPerRequest: 2, enableOfflineQueue: true, connectTimeout: 2_000 },
  subscriber: { maxRetriesPerRequest: null, enableOfflineQueue: true, connectTimeout: 2_000 },
};

export interface RedisClientOptions {
  url: string;
  profile: RedisProfile;
  logger: Logger;
  name: string;
  /** Overrides the profile's command timeout. */
  commandTimeoutMs?: number;
}

export function createRedis({ url, profile, logger, name, commandTimeoutMs }: RedisClientOptions): Redis {
  const log = logger.child({ component: "redis", client: name });
  const client = new Redis(url, {
    ...PROFILES[profile],
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
    connectionName: name,
    lazyConnect: false,
    // disconnect() arms a timer that destroys a socket still half-open this long after end().
    // ioredis arms it even when the socket is already gone (a client waiting to reconnect), where
    // the default 2 s held every test process that closed a client of an unreachable Redis.
    disconnectTimeout: 250,
    // Back off 50 ms, 100 ms, … up to 2 s between reconnection attempts, forever.
    retryStrategy: (attempt) => Math.min(attempt * 50, 2_000),
  });
  let lastLogged = 0;
  client.on("error", (error: Error) => {
    // A Redis outage produces an error per reconnect attempt; log at most one every 5 s.
    const now = Date.now();
    if (now - lastLogged > 5_000) {
      lastLogged = now;
      log.warn("redis error", { error: error.message });
    }
  });
  return client;
}

/**
 * Closes a client for good. Connected: QUIT, so replies already asked for still arrive. Not
 * connected (Redis down, the client between reconnection attempts): disconnect at once. QUIT
 * there would be refused by a client without an offline queue (the cache profile), leaving it
 * reconnecting forever after shutdown.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status === "ready") {
    await client.quit();
    return;
  }
  client.disconnect();
}
