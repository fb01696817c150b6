/**
 * Every Redis key and channel of the service, under one prefix: `game:` by default, or
 * `game:<namespace>:` (REDIS_KEY_NAMESPACE) where several environments share one Redis. Instances
 * that share a database must share the prefix, and instances on different databases must not:
 * a test run's instances (database `tollgate_game_test`) on the default prefix took the local
 * stack's queued players, made their games in the test database and told them `game:matched` on
 * the shared channel; the stack answered GAME_NOT_FOUND and 404 for those games (3 of 13 bursts of
 * 40 finds, 2026-12-01). Presence, grace deadlines and socket caps crossed the same way.
 */
export class GameRedisKeys {
  readonly prefix: string;

  constructor(namespace = "") {
    this.prefix = namespace === "" ? "game:" : `game:${namespace}:`;
  }

  /** Prefix of the matchmaking queue's keys (RedisMatchmakingQueue) and of its notices channel. */
  get matchmaking(): string {
    return `${this.prefix}mm:`;
  }

  presence(gameId: string): string {
    return `${this.prefix}presence:${gameId}`;
  }

  fanoutChannel(gameId: string): string {
    return `${this.prefix}fanout:${gameId}`;
  }

  userSockets(userId: string): string {
    return `${this.prefix}user-sockets:${userId}`;
  }

  grace(gameId: string, userId: string): string {
    return `${this.prefix}grace:${gameId}:${userId}`;
  }

  /** A SCAN pattern matching every `grace` key. */
  get gracePattern(): string {
    return `${this.prefix}grace:*`;
  }

  /** The game and user of a `grace` key, or undefined for any other key. */
  parseGrace(key: string): { gameId: string; userId: string } | undefined {
    const start = `${this.prefix}grace:`;
    if (!key.startsWith(start)) return undefined;
    const [gameId, userId, ...rest] = key.slice(start.length).split(":");
    return gameId && userId && rest.length === 0 ? { gameId, userId } : undefined;
  }

  revokedSession(sessionId: string): string {
    return `${this.prefix}revoked:session:${sessionId}`;
  }

  revokedUser(userId: string): string {
    return `${this.prefix}revoked:user:${userId}`;
  }
}

/** The notices channel of a matchmaking queue prefix: instances on one queue hear each other only. */
export const matchmakingChannel = (queuePrefix: string): string => `${queuePrefix}notices`;
