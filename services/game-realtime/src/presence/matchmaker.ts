import { serverMessageSchema, type ServerMessage } from "@tollgate/contracts";
import type { Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { CancelFindUseCase } from "../domain/cancel-find.use-case";
import type { Match, PairPlayersUseCase } from "../domain/pair-players.use-case";
import type { UserDirectory } from "../domain/user-directory.port";
import type { ConnectionManager } from "./connection-manager";
import type { DisconnectGrace } from "./disconnect-grace";
import type { PresenceConnection } from "./presence.port";

/** Matchmaking notices for players on any instance: every instance subscribes, each delivers to its own sockets. */
export const MATCHMAKING_CHANNEL = "game:mm:notices";
const noticeSchema = z.object({ to: z.uuid(), message: serverMessageSchema });

/**
 * Runs the pairing pass every `intervalMs` on every instance (the queue gives each pair to one of
 * them) and at once after a player queues; tells both players of a match, and a player who waited
 * too long, over Redis pub/sub, whichever instance holds their socket. A socket that queued and
 * closes takes its player out of the queue.
 */
export class Matchmaker {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** The socket each locally queued player queued from. */
  private readonly queuedFrom = new Map<string, PresenceConnection>();

  constructor(
    private readonly deps: { redis: Redis; subscriber: Redis; connections: ConnectionManager; pair: PairPlayersUseCase; cancel: CancelFindUseCase; grace: Pick<DisconnectGrace, "gameStarted">; directory: UserDirectory; intervalMs: number; logger: Logger },
  ) {
    this.log = deps.logger.child({ component: "matchmaker" });
    deps.subscriber.on("message", (channel: string, payload: string) => {
      if (channel === MATCHMAKING_CHANNEL) this.onNotice(payload);
    });
  }

  async start(): Promise<void> {
    await this.deps.subscriber.subscribe(MATCHMAKING_CHANNEL);
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
    // a matched game nobody joins is aborted then, and both may find again.
    await Promise.all(matches.map((match) => this.deps.grace.gameStarted({ id: match.gameId, player1Id: match.player1.userId, player2Id: match.player2.userId })));
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

  private async notify(to: string, message: ServerMessage): Promise<void> {
    await this.deps.redis.publish(MATCHMAKING_CHANNEL, JSON.stringify({ to, message }));
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
    this.queuedFrom.delete(to);
    for (const connection of this.deps.connections.all()) if (connection.userId === to && !connection.closed) connection.send(message);
  }
}
