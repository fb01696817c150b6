import path from "node:path";
import { createHttpApp, type Logger, type ReadinessCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Authenticator } from "./auth/authenticator";
import type { GameUseCases } from "./domain/game-use-cases";
import type { UserDirectory } from "./domain/user-directory.port";
import type { GameMetrics } from "./game-metrics";
import { authenticate } from "./http/authenticate.middleware";
import { gamesRouter } from "./http/games.router";
import { matchmakingRouter } from "./http/matchmaking.router";
import { ratingsRouter } from "./http/ratings.router";
import type { DisconnectGrace } from "./presence/disconnect-grace";
import type { Matchmaker } from "./presence/matchmaker";

export interface AppDeps {
  logger: Logger;
  games: GameUseCases;
  directory: UserDirectory;
  matchmaker: Matchmaker;
  grace: Pick<DisconnectGrace, "gameStarted">;
  authenticator: Authenticator;
  metrics: GameMetrics;
  readiness: Record<string, ReadinessCheck>;
  isShuttingDown?: () => boolean;
  jsonBodyLimit?: string;
}

/** The HTTP side of the service; the WebSocket server attaches to the same http.Server separately. */
export function createApp(deps: AppDeps): Express {
  return createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics.http,
    readiness: deps.readiness,
    isShuttingDown: deps.isShuttingDown,
    jsonBodyLimit: deps.jsonBodyLimit ?? "16kb",
    openapi: {
      title: "Tollgate game-realtime",
      version: "1.0.0",
      description: "Two-player games. Play happens over the WebSocket `/ws/game` (its messages: [/asyncapi.json](/asyncapi.json)); these endpoints create, join and list games.",
      apis: [path.join(__dirname, "http", "*.router.{ts,js}")],
      tags: { games: "Create, list and join two-player games; matchmaking; ratings and the leaderboard" },
      externalDocs: { description: "The WebSocket protocol of /ws/game, and the Kafka events (AsyncAPI 3)", url: "/asyncapi.json" },
    },
    routes: (app) => {
      const auth = authenticate(deps.authenticator);
      // Before the games router: its /api/v1/games/{id} would take "leaderboard" for an id.
      app.use(matchmakingRouter({ games: deps.games, matchmaker: deps.matchmaker, authenticate: auth }));
      app.use(ratingsRouter({ games: deps.games, authenticate: auth }));
      app.use(gamesRouter({ games: deps.games, directory: deps.directory, grace: deps.grace, authenticate: auth }));
    },
  });
}
