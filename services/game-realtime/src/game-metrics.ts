import { Counter, createHttpMetrics, Gauge, Histogram, type HttpMetrics } from "@tollgate/service-kit";

export interface GameMetrics {
  http: HttpMetrics;
  connections: Gauge;
  gamesActive: Gauge;
  messagesIn: Counter<"type">;
  messagesOut: Counter<"type">;
  /** Group-committed move statements: moves per statement and time to commit. */
  moveBatchSize: Histogram;
  moveBatchSeconds: Histogram;
}

/** HTTP metrics plus the game's own, in one registry per app instance. */
export function createGameMetrics(options: { countActiveGames: () => Promise<number>; defaultMetrics?: boolean }): GameMetrics {
  const http = createHttpMetrics({ defaultMetrics: options.defaultMetrics });
  const registers = [http.registry];
  return {
    http,
    connections: new Gauge({ name: "game_ws_connections", help: "Open WebSocket connections on this instance (0 from the start)", registers }),
    gamesActive: new Gauge({
      name: "game_games_active",
      help: "Games in progress (all instances, read from the database at scrape time)",
      registers,
      async collect() {
        this.set(await options.countActiveGames());
      },
    }),
    messagesIn: new Counter({ name: "game_ws_messages_in_total", help: "WebSocket messages received, by type", labelNames: ["type"], registers }),
    messagesOut: new Counter({ name: "game_ws_messages_out_total", help: "WebSocket messages sent, by type", labelNames: ["type"], registers }),
    moveBatchSize: new Histogram({
      name: "game_move_batch_moves",
      help: "Moves written per group-committed statement",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    moveBatchSeconds: new Histogram({
      name: "game_move_batch_seconds",
      help: "Time from sending a group-committed move statement to its commit",
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
      registers,
    }),
  };
}
