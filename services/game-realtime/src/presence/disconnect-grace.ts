import type { Logger } from "@tollgate/service-kit";
import type { Redis } from "ioredis";
import { opponentOf } from "../domain/game";
import type { GameUseCases } from "../domain/game-use-cases";
import type { GameBroadcaster } from "../ws/game-broadcaster";
import type { ConnectionManager } from "./connection-manager";

const graceKey = (gameId: string, userId: string): string => `game:grace:${gameId}:${userId}`;

/**
 * A player whose last socket in an active game closes gets `graceMs` to come back. The opponent
 * is told the deadline; a rejoin in time cancels the forfeit and tells the opponent. The pending
 * forfeit is a Redis key, so whichever instance the player rejoins on can cancel it: the timer
 * that fires only forfeits if it can still delete that key.
 */
export class DisconnectGrace {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly log: Logger;
  private stopped = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      redis: Redis;
      connections: ConnectionManager;
      games: Pick<GameUseCases, "get" | "forfeit">;
      broadcaster: GameBroadcaster;
      graceMs: number;
      /** How often to look for deadlines whose instance died before its timer fired. */
      sweepIntervalMs: number;
      logger: Logger;
    },
  ) {
    this.log = deps.logger.child({ component: "disconnect-grace" });
  }

  async playerLeft(gameId: string, userId: string): Promise<void> {
    if (await this.deps.connections.isPresent(gameId, userId)) return; // still connected elsewhere
    const game = await this.deps.games.get.any(gameId);
    if (!game || game.status !== "active") return;
    const graceUntil = new Date(Date.now() + this.deps.graceMs);
    await this.deps.redis.set(graceKey(gameId, userId), graceUntil.toISOString(), "PX", this.deps.graceMs * 2);
    const opponent = opponentOf(game, userId);
    if (opponent) await this.deps.connections.publish(gameId, opponent, { type: "game:opponent_disconnected", game_id: gameId, grace_until: graceUntil.toISOString() });
    this.log.info("player disconnected; grace period started", { game_id: gameId, user_id: userId, grace_until: graceUntil.toISOString() });
    const key = graceKey(gameId, userId);
    clearTimeout(this.timers.get(key));
    // While this instance shuts down its players still get their deadline; the sweep of a
    // running instance carries out the forfeit if they do not come back.
    if (this.stopped) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.expire(gameId, userId).catch((error: unknown) =>
          this.log.error("forfeit failed", { game_id: gameId, error: error instanceof Error ? error.message : String(error) }),
        );
      }, this.deps.graceMs),
    );
  }

  /** A player (re)joined: cancels their pending forfeit and tells the opponent they are back. */
  async playerJoined(gameId: string, userId: string, opponentId: string | null): Promise<void> {
    const key = graceKey(gameId, userId);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const cancelled = await this.deps.redis.del(key);
    if (cancelled > 0 && opponentId) {
      await this.deps.connections.publish(gameId, opponentId, { type: "game:opponent_reconnected", game_id: gameId });
      this.log.info("player reconnected within the grace period", { game_id: gameId, user_id: userId });
    }
  }

  /** The deadline of an opponent's pending forfeit, if any (so a rejoining player learns of it). */
  async pendingDeadline(gameId: string, userId: string): Promise<string | undefined> {
    return (await this.deps.redis.get(graceKey(gameId, userId))) ?? undefined;
  }

  /**
   * Starts the sweep for what a dead instance leaves behind. A deadline whose instance crashed (or
   * shut down) during a grace period has its key but no timer: any instance forfeits such a game
   * once the deadline is a sweep interval past; deleting the key first keeps it to one instance.
   * A player whose instance died with their socket open never had a grace period at all: their
   * presence entry ages out (PRESENCE_TTL_MS), the sweep claims it and starts one, as a close
   * would have, so the opponent is told and the game is forfeited if the player does not return.
   */
  start(): void {
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: unknown) => this.log.warn("grace sweep failed", { error: error instanceof Error ? error.message : String(error) }));
    }, this.deps.sweepIntervalMs);
    this.sweeper.unref();
  }

  async sweep(): Promise<void> {
    for (const [gameId, users] of await this.deps.connections.claimExpired()) {
      for (const userId of users) {
        // A deadline already running (the player left normally, then the instance died) stands.
        if (!(await this.deps.redis.exists(graceKey(gameId, userId)))) await this.playerLeft(gameId, userId);
      }
    }
    let cursor = "0";
    do {
      const [next, keys] = await this.deps.redis.scan(cursor, "MATCH", "game:grace:*", "COUNT", 200);
      cursor = next;
      for (const key of keys) {
        const deadline = Date.parse((await this.deps.redis.get(key)) ?? "");
        // The owning instance's own timer goes first; the sweep only picks up what it left.
        if (Number.isNaN(deadline) || deadline > Date.now() - this.deps.sweepIntervalMs) continue;
        const [, , gameId, userId] = key.split(":");
        if (gameId && userId) await this.expire(gameId, userId);
      }
    } while (cursor !== "0");
  }

  /** Stops local timers (shutdown). Pending keys stay for the sweep; the player can still rejoin elsewhere. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async expire(gameId: string, userId: string): Promise<void> {
    if ((await this.deps.redis.del(graceKey(gameId, userId))) === 0) return; // rejoined in time
    if (await this.deps.connections.isPresent(gameId, userId)) return;
    const view = await this.deps.games.forfeit.execute(gameId, userId);
    if (view) await this.deps.broadcaster.gameChanged(view);
  }
}
