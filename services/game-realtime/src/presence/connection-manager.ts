import type { ServerMessage } from "@tollgate/contracts";
import { withinCommandTimeout, type Logger } from "@tollgate/service-kit";
import type { ChainableCommander, Redis } from "ioredis";
import { delivery, encodeEnvelope, fanOutEnvelopeSchema, originPrefix, type Delivery } from "./fan-out";
import type { PresenceConnection } from "./presence.port";
import { GameRedisKeys } from "./redis-keys";
import { RemoteFanOut } from "./remote-fan-out";

export interface ConnectionManagerOptions {
  redis: Redis;
  /** A dedicated connection in subscriber mode. */
  subscriber: Redis;
  instanceId: string;
  presenceTtlMs: number;
  logger: Logger;
  /** The environment's keys; `game:*` when absent. */
  keys?: GameRedisKeys;
}

interface LocalGame {
  sockets: Set<PresenceConnection>;
  /** Settles once Redis has confirmed the SUBSCRIBE. */
  subscription: Promise<void>;
  confirmed: boolean;
}

// KEYS[1] user's sockets; ARGV: now, expiry, member, cap, key ttl (ms)
const ADMIT_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

// KEYS[1] user's sockets; ARGV: expiry, member, key ttl (ms). Only a socket still counted is
// pushed forward (a released one must not come back), and the key lives on with it: the admit
// script's PEXPIRE alone let the key vanish PRESENCE_TTL_MS × 2 after the user's last new socket,
// open sockets and all, and the cap started again from zero.
const REFRESH_SCRIPT = `
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
`;

/**
 * Who is connected to which game, from any instance, and delivery of game messages to players
 * wherever their sockets are.
 *
 * Presence: `game:presence:<game>` (under the environment's prefix, GameRedisKeys) is a sorted set of `<user>|<instance>|<connection>` scored by
 * expiry time. Heartbeats and pongs push the score forward; a crashed instance's entries simply
 * age out. Fan-out: the instance where a game changed hands the messages to its own sockets in
 * that game directly, and publishes them on `game:fanout:<game>` only when another instance
 * subscribes to that channel (see RemoteFanOut); each instance subscribes to the games its local
 * sockets have joined. Before, every message went through Redis even when both players were
 * local: two round trips and a parse per move for nothing. A recipient still sees one order: a
 * change's messages travel together, and `game:state` versions only go up per socket.
 */
export class ConnectionManager {
  private readonly connections = new Map<string, PresenceConnection>();
  /** This instance's sockets per game, and its subscription to the game's channel. */
  private readonly byGame = new Map<string, LocalGame>();
  private readonly remote: RemoteFanOut;
  private readonly ownPrefix: string;
  private readonly log: Logger;
  private readonly keys: GameRedisKeys;

  constructor(private readonly options: ConnectionManagerOptions) {
    this.log = options.logger.child({ component: "connection-manager" });
    this.keys = options.keys ?? new GameRedisKeys();
    this.remote = new RemoteFanOut(options.redis);
    this.ownPrefix = originPrefix(options.instanceId);
    options.subscriber.on("message", (channel: string, payload: string) => this.onMessage(channel, payload));
  }

  get size(): number {
    return this.connections.size;
  }

  add(connection: PresenceConnection): void {
    this.connections.set(connection.id, connection);
  }

  /**
   * Counts a socket against its user's cap across all instances: `game:user-sockets:<user>` holds
   * one entry per socket scored by expiry (refreshed like presence, so a crashed instance's
   * entries age out). Check and add run as one script, so two instances cannot both admit the
   * socket over the cap.
   */
  async admit(connection: PresenceConnection, userId: string, cap: number): Promise<boolean> {
    const now = Date.now();
    const admitted = await this.options.redis.eval(
      ADMIT_SCRIPT,
      1,
      this.keys.userSockets(userId),
      now,
      now + this.options.presenceTtlMs,
      this.socketMember(connection),
      cap,
      this.options.presenceTtlMs * 2,
    );
    return admitted === 1;
  }

  /**
   * Forgets a closed socket; returns the games it had joined. This instance's own bookkeeping is
   * done whatever Redis does; a Redis failure is thrown after it (the entries left in Redis age out).
   */
  async remove(connection: PresenceConnection): Promise<string[]> {
    this.connections.delete(connection.id);
    const games = [...connection.games];
    const settled = await Promise.allSettled([
      ...(connection.userId ? [this.release(connection, connection.userId)] : []),
      ...games.map((gameId) => this.leave(connection, gameId)),
    ]);
    const failure = settled.find((result) => result.status === "rejected");
    if (failure) throw failure.reason;
    return games;
  }

  /** Gives back a socket's place under its user's cap. */
  async release(connection: PresenceConnection, userId: string): Promise<void> {
    await this.options.redis.zrem(this.keys.userSockets(userId), this.socketMember(connection));
  }

  async join(connection: PresenceConnection, gameId: string): Promise<void> {
    if (!connection.games.has(gameId)) {
      connection.games.add(gameId);
      const local = this.byGame.get(gameId) ?? this.subscribe(gameId);
      local.sockets.add(connection);
      // Every socket's join waits for the subscription, not only the first: the caller reads the
      // game after this, and that read must come after the subscription (see RemoteFanOut).
      try {
        await local.subscription;
      } catch (error) {
        // Not subscribed (Redis down): undo the join, so that the socket's next game:join tries again.
        connection.games.delete(gameId);
        local.sockets.delete(connection);
        throw error;
      }
    }
    await this.touch(connection, gameId);
  }

  async leave(connection: PresenceConnection, gameId: string): Promise<void> {
    connection.games.delete(gameId);
    const local = this.byGame.get(gameId);
    local?.sockets.delete(connection);
    const last = local !== undefined && local.sockets.size === 0;
    if (last) this.byGame.delete(gameId);
    await Promise.all([this.options.redis.zrem(this.keys.presence(gameId), this.member(connection)), last ? this.options.subscriber.unsubscribe(this.keys.fanoutChannel(gameId)) : undefined]);
  }

  private subscribe(gameId: string): LocalGame {
    const local: LocalGame = { sockets: new Set(), subscription: Promise.resolve(), confirmed: false };
    const channel = this.keys.fanoutChannel(gameId);
    // A SUBSCRIBE has no command timeout of its own (see RedisProfile); unbounded, a frozen Redis
    // held every game:join, and every later message of its socket, until Redis came back.
    const subscribed = withinCommandTimeout(this.options.subscriber.subscribe(channel), this.options.redis, () => {
      // It went through after the join gave up: drop it unless a later join of the game uses it.
      if (!this.byGame.has(gameId)) this.options.subscriber.unsubscribe(channel).catch(() => undefined);
    });
    local.subscription = subscribed.then(
      () => {
        local.confirmed = true;
      },
      (error: unknown) => {
        if (this.byGame.get(gameId) === local) this.byGame.delete(gameId);
        throw error;
      },
    );
    this.byGame.set(gameId, local);
    return local;
  }

  /**
   * Pushes the socket's place under its user's cap forward, with the expiry of the user's key, and
   * the presence expiry of every game it has joined (heartbeat, pong). The commands
   * are issued at once, from the games the socket has joined at that moment, on the connection
   * that `leave` uses: a refresh racing a leave is either before its ZREM or skips the game, so
   * it never brings back a presence entry that was removed.
   */
  async refresh(connection: PresenceConnection): Promise<void> {
    const now = Date.now();
    const pipeline = this.options.redis.pipeline();
    if (connection.userId) pipeline.eval(REFRESH_SCRIPT, 1, this.keys.userSockets(connection.userId), now + this.options.presenceTtlMs, this.socketMember(connection), this.options.presenceTtlMs * 2);
    for (const gameId of connection.games) this.touchIn(pipeline, connection, gameId, now);
    await pipeline.exec();
  }

  /** Whether a user has a live socket in a game on any instance. */
  async isPresent(gameId: string, userId: string): Promise<boolean> {
    const members = await this.options.redis.zrangebyscore(this.keys.presence(gameId), Date.now(), "+inf");
    return members.some((member) => member.startsWith(`${userId}|`));
  }

  /** Sends a message to a player's sockets in a game, on whichever instances they are. */
  publish(gameId: string, to: string, message: ServerMessage): Promise<void> {
    return this.deliver(gameId, [delivery(to, message)]);
  }

  /**
   * Sends a change's messages, in order, to the players' sockets in a game: this instance's at
   * once, other instances' through Redis. Settles once the remote part is handed to Redis.
   */
  deliver(gameId: string, deliveries: readonly Delivery[]): Promise<void> {
    this.deliverLocally(gameId, deliveries);
    // Trusting our own subscription only while the subscriber is connected: after a reconnect it
    // is not subscribed until ioredis has resubscribed, and an instance that believed itself the
    // only subscriber could skip a remote one.
    const ownSubscription = this.byGame.get(gameId)?.confirmed === true && this.options.subscriber.status === "ready";
    return this.remote.publish(this.keys.fanoutChannel(gameId), ownSubscription, () => encodeEnvelope(this.options.instanceId, gameId, deliveries));
  }

  /** Closes this instance's sockets of a revoked session or a disabled user. */
  closeSessions(match: { sessionId?: string; userId?: string }, code: "SESSION_REVOKED" | "USER_DISABLED", message: string): number {
    let closed = 0;
    for (const connection of this.connections.values()) {
      const hit = (match.sessionId !== undefined && connection.sessionId === match.sessionId) || (match.userId !== undefined && connection.userId === match.userId);
      if (hit && !connection.closed) {
        connection.closeWithAuthError(code, message);
        closed++;
      }
    }
    return closed;
  }

  all(): PresenceConnection[] {
    return [...this.connections.values()];
  }

  private async touch(connection: PresenceConnection, gameId: string): Promise<void> {
    const pipeline = this.options.redis.pipeline();
    this.touchIn(pipeline, connection, gameId, Date.now());
    await pipeline.exec();
  }

  /**
   * Pushes a socket's presence in a game forward. A plain pipeline, not MULTI: each command is
   * right on its own, and every pong of every socket lands here at once (30 s ping interval),
   * where a transaction per game cost the bench a 1 s stall in Redis. Expired entries are left
   * for `claimExpired`: a socket closed normally removes its own entry, so an expired one is what
   * an instance that died with open sockets leaves behind, and its players need a grace period.
   */
  private touchIn(pipeline: ChainableCommander, connection: PresenceConnection, gameId: string, now: number): void {
    const key = this.keys.presence(gameId);
    pipeline.zadd(key, now + this.options.presenceTtlMs, this.member(connection)).pexpire(key, this.options.presenceTtlMs * 2);
  }

  /**
   * Expired presence entries, game by game (what a dead instance left), each removed by the one
   * caller whose ZREM took it, so instances sweeping together never handle one twice. Returns the
   * users whose entries this call removed, per game.
   */
  async claimExpired(): Promise<Map<string, Set<string>>> {
    const claimed = new Map<string, Set<string>>();
    const prefix = this.keys.presence("");
    let cursor = "0";
    do {
      const [next, keys] = await this.options.redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 200);
      cursor = next;
      // One round trip per page of keys: every game with a socket anywhere has a presence set.
      const pipeline = this.options.redis.pipeline();
      for (const key of keys) pipeline.zrangebyscore(key, "-inf", Date.now());
      const replies = (await pipeline.exec()) ?? [];
      for (const [index, key] of keys.entries()) {
        const [error, expired] = replies[index] ?? [];
        if (error || !Array.isArray(expired)) continue;
        for (const member of expired as string[]) {
          if ((await this.options.redis.zrem(key, member)) === 0) continue;
          const gameId = key.slice(prefix.length);
          const userId = member.slice(0, member.indexOf("|"));
          const users = claimed.get(gameId) ?? new Set<string>();
          claimed.set(gameId, users.add(userId));
        }
      }
    } while (cursor !== "0");
    return claimed;
  }

  private socketMember(connection: PresenceConnection): string {
    return `${this.options.instanceId}|${connection.id}`;
  }

  private member(connection: PresenceConnection): string {
    return `${connection.userId ?? "anonymous"}|${this.options.instanceId}|${connection.id}`;
  }

  private deliverLocally(gameId: string, deliveries: readonly Delivery[]): void {
    const local = this.byGame.get(gameId);
    if (!local) return;
    for (const { to, message, json } of deliveries) {
      for (const connection of local.sockets) if (connection.userId === to) connection.send(message, json);
    }
  }

  private onMessage(channel: string, payload: string): void {
    if (payload.startsWith(this.ownPrefix) || !channel.startsWith(this.keys.fanoutChannel(""))) return; // delivered locally when published; or not a game's channel
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      this.log.warn("fan-out message is not JSON", { channel });
      return;
    }
    const envelope = fanOutEnvelopeSchema.safeParse(json);
    if (!envelope.success || this.keys.fanoutChannel(envelope.data.game_id) !== channel) {
      this.log.warn("fan-out message does not parse", { channel });
      return;
    }
    this.deliverLocally(
      envelope.data.game_id,
      envelope.data.deliveries.map((item) => delivery(item.to, item.message)),
    );
  }
}
