import { serverMessageSchema, type ServerMessage } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { CancelFindUseCase } from "../domain/cancel-find.use-case";
import type { FindOpponentUseCase } from "../domain/find-opponent.use-case";
import type { GetGameUseCase } from "../domain/get-game.use-case";
import type { Match, PairPlayersUseCase } from "../domain/pair-players.use-case";
import type { UserDirectory } from "../domain/user-directory.port";
import type { ConnectionManager } from "./connection-manager";
import type { DisconnectGrace } from "./disconnect-grace";
import type { PresenceConnection } from "./presence.port";

const noticeSchema = z.object({ to: z.uuid(), message: serverMessageSchema });

/**
 * Runs the pairing pass every `intervalMs` on every instance (the queue gives each pair to one of
 * them) and at once after a player queues; tells both players of a match, and a player who waited
 * too long, over Redis pub/sub (`channel`: every instance of the environment subscribes, each
 * delivers to its own sockets), whichever instance holds their socket. A socket that queued and
 * closes takes its player out of the queue.
 *
 * A `game:matched` is delivered only for a game this instance can read in its database: one
 * committed by an instance on another database sharing the Redis (a test run on the default
 * prefix, 2026-12-01) reached the stack's players, who got GAME_NOT_FOUND. Such a notice is
 * dropped with a warning and its player, if they queued here, is queued again.
 */
export class Matchmaker {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** The socket each locally queued player queued from. */
  private readonly queuedFrom = new Map<string, PresenceConnection>();

  constructor(
    private readonly deps: {
      redis: Redis;
      subscriber: Redis;
      connections: ConnectionManager;
      pair: PairPlayersUseCase;
      cancel: CancelFindUseCase;
      find: Pick<FindOpponentUseCase, "execute">;
      games: Pick<GetGameUseCase, "any">;
      grace: Pick<DisconnectGrace, "gameStarted">;
      directory: UserDirectory;
      /** The environment's notices channel (matchmakingChannel). */
      channel: string;
      intervalMs: number;
      logger: Logger;
    },
  ) {
    this.log = deps.logger.child({ component: "matchmaker" });
    deps.subscriber.on("message", (channel: string, payload: string) => {
      if (channel === deps.channel) this.onNotice(payload);
    });
  }

  async start(): Promise<void> {
    await this.deps.subscriber.subscribe(this.deps.channel);
    this.timer = setInterval(() => this.kick(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A pairing pass soon; passes never overlap on one instance (one more runs after the current one). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => {
        this.log.warn("pairing pass failed", { error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && this.timer) {
          this.again = false;
          this.kick();
        }
      });
  }

  queued(userId: string, connection: PresenceConnection): void {
    this.queuedFrom.set(userId, connection);
  }

  forget(userId: string): void {
    this.queuedFrom.delete(userId);
  }

  /** A socket closed: if its player queued from it, they leave the queue (their other sockets are told). */
  async socketClosed(connection: PresenceConnection): Promise<void> {
    const userId = connection.userId;
    if (!userId || this.queuedFrom.get(userId) !== connection) return;
    this.queuedFrom.delete(userId);
    const outcome = await this.deps.cancel.execute(userId).catch(() => undefined); // already matched: the game's grace decides
    if (outcome?.status !== "cancelled") return;
    this.log.info("player left the queue: socket closed", { user_id: userId });
    await this.cancelled(userId);
  }

  /** The player left the queue: every socket of theirs, on any instance, gets `game:find_cancelled`. */
  async cancelled(userId: string): Promise<void> {
    this.queuedFrom.delete(userId);
    await this.notify(userId, { type: "game:find_cancelled" });
  }

  private async pass(): Promise<void> {
    const { matches, expired } = await this.deps.pair.execute();
    // Each player has the grace period to join (running before they are told, so a join cancels it);
    // a matched game nobody joins is aborted then, and both may find again. The game is committed:
    // a grace that could not be set is logged and the players are still told.
    await Promise.all(
      matches.map((match) =>
        this.deps.grace.gameStarted({ id: match.gameId, player1Id: match.player1.userId, player2Id: match.player2.userId }).catch((error: unknown) => {
          this.log.warn("matched game's join deadlines could not be set", { game_id: match.gameId, error: error instanceof Error ? error.message : String(error) });
        }),
      ),
    );
    if (matches.length > 0) await this.announce(matches);
    for (const { userId, queuedAt } of expired) {
      await this.notify(userId, { type: "game:no_opponent", waited_seconds: Math.round((Date.now() - queuedAt.getTime()) / 1000) });
    }
  }

  private async announce(matches: Match[]): Promise<void> {
    const names = await this.deps.directory.usernames(matches.flatMap((match) => [match.player1.userId, match.player2.userId]));
    const seat = (match: Match, you: "player1" | "player2"): ServerMessage => {
      const opponent = you === "player1" ? match.player2 : match.player1;
      return { type: "game:matched", game_id: match.gameId, opponent: { user_id: opponent.userId, username: names.get(opponent.userId) ?? null, rating: Math.round(opponent.rating) }, you_are: you };
    };
    await Promise.all(matches.flatMap((match) => [this.notify(match.player1.userId, seat(match, "player1")), this.notify(match.player2.userId, seat(match, "player2"))]));
  }

  /** Sends a message to every socket of a user, on any instance of the environment. */
  async notify(to: string, message: ServerMessage): Promise<void> {
    await this.deps.redis.publish(this.deps.channel, JSON.stringify({ to, message }));
  }

  private onNotice(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      json = undefined;
    }
    const notice = noticeSchema.safeParse(json);
    if (!notice.success) {
      this.log.warn("matchmaking notice does not parse");
      return;
    }
    const { to, message } = notice.data;
    if (message.type === "game:matched") {
      void this.deliverMatched(to, message).catch((error: unknown) => {
        this.log.warn("game:matched could not be checked or delivered", { game_id: message.game_id, error: error instanceof Error ? error.message : String(error) });
      });
      return;
    }
    this.deliver(to, message);
  }

  /** Only for a game this instance's database has, with the player seated in it (see the class comment). */
  private async deliverMatched(to: string, message: Extract<ServerMessage, { type: "game:matched" }>): Promise<void> {
    const game = await this.deps.games.any(message.game_id);
    if (game && (game.player1Id === to || game.player2Id === to)) {
      this.deliver(to, message);
      return;
    }
    const queuedHere = this.queuedFrom.get(to);
    this.log.warn("game:matched for a game this database does not have: dropped; is another environment using these Redis keys? (REDIS_KEY_NAMESPACE)", { game_id: message.game_id, user_id: to, queued_here: queuedHere !== undefined });
    if (!queuedHere || queuedHere.closed) return;
    // The other environment took the player out of our queue: back in, as after a failed creation.
    await this.deps.find.execute(to).catch((error: unknown) => {
      this.queuedFrom.delete(to);
      this.log.warn("player could not be queued again", { user_id: to, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private deliver(to: string, message: ServerMessage): void {
    this.queuedFrom.delete(to);
    // A socket in the game has its game:over through the game's fan-out already.
    const skip = message.type === "game:over" ? message.game_id : undefined;
    for (const connection of this.deps.connections.all()) {
      if (connection.userId === to && !connection.closed && (skip === undefined || !connection.games.has(skip))) connection.send(message);
    }
  }
}
