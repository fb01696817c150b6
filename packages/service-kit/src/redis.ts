import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./logger";

/**
 * How a Redis client behaves when Redis is slow or gone. Every profile fails a command at once
 * while the client is disconnected (no offline queue once it has been ready, and a command in
 * flight when the connection drops is failed, not resent: maxRetriesPerRequest 0), and the
 * caller answers 503. Queueing while reconnecting held a login 2.0 s before its 503, and an
 * auth check until the game socket's 5 s auth timeout (issue #17). Only a command sent before
 * the first connection is up waits for it (up to the command timeout), so a client can be used
 * as soon as it is created.
 * - cache: short command timeout; the caller falls back (the proxy asks the token service).
 * - store: data we need (login throttle, revocations, presence); fail closed, within 1 s when
 *   Redis hangs. A healthy Redis answers these in well under 1 ms, but a command also times out
 *   when its reply waits behind a busy event loop (timers run before I/O): at 500 ms, logins in
 *   the proxy's revocation-race test (auth, token and proxy in one jest process on a loaded
 *   2-core machine) got 503 with Redis up. 2 s was the old value.
 * - subscriber: pub/sub connections. No command timeout and no retry limit, because ioredis
 *   re-issues SUBSCRIBE itself after a reconnection with nobody to catch a failure (an unhandled
 *   rejection would end the process); whoever waits for a SUBSCRIBE bounds the wait
 *   (`withinCommandTimeout`).
 */
export type RedisProfile = "cache" | "store" | "subscriber";

const PROFILES: Record<RedisProfile, RedisOptions> = {
  cache: { commandTimeout: 250, maxRetriesPerRequest: 0, connectTimeout: 1_000 },
  store: { commandTimeout: 1_000, maxRetriesPerRequest: 0, connectTimeout: 2_000 },
  subscriber: { maxRetriesPerRequest: null, connectTimeout: 2_000 },
};

/** What a command (or a wait a caller bounds itself) fails with after the client's command timeout; `unavailableDependency` maps it to 503. */
export const COMMAND_TIMED_OUT = "Command timed out";

export interface RedisClientOptions {
  url: string;
  profile: RedisProfile;
  logger: Logger;
  name: string;
  /** Overrides the profile's command timeout. */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client that queues commands only until its first connection is up (see
 * RedisProfile); from then on a disconnected client refuses at once ("Stream isn't writeable").
 * ioredis reads the option per command. `duplicate()` makes another such client: ioredis's own
 * would copy the option as it is now, and a copy of a connected client refused every command
 * sent before its own connection was up.
 */
class QueueUntilReadyRedis extends Redis {
  constructor(url: string | undefined, options: RedisOptions) {
    // ioredis skips an undefined URL and takes host, port and credentials from the options.
    super(url as string, { ...options, enableOfflineQueue: true });
    this.once("ready", () => {
      this.options.enableOfflineQueue = false;
    });
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new QueueUntilReadyRedis(undefined, { ...this.options, ...override });
  }
}

export function createRedis({ url, profile, logger, name, commandTimeoutMs }: RedisClientOptions): Redis {
  const log = logger.child({ component: "redis", client: name });
  const client = new QueueUntilReadyRedis(url, {
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
 * there would be refused by a client without an offline queue (every profile once it has been
 * ready), leaving it reconnecting forever after shutdown.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  if (client.status === "ready") {
    await client.quit();
    return;
  }
  client.disconnect();
}

/**
 * Bounds a wait on Redis that has no command timeout of its own (a SUBSCRIBE on a subscriber
 * connection) by the command timeout of `like`, failing as a timed-out command does. The command
 * itself is not cancelled: `late` is told if it succeeds after all, so the caller can undo it.
 */
export function withinCommandTimeout<T>(work: Promise<T>, like: Redis, late: (value: T) => void = () => {}): Promise<T> {
  const ms = like.options.commandTimeout;
  if (ms === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(COMMAND_TIMED_OUT));
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) late(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
