import path from "node:path";
import { createHttpApp, degradesOnly, RevocationLog, type EventConsumer, type Logger, type ReadinessCheck } from "@tollgate/service-kit";
import type { Express } from "express";
import type { Redis } from "ioredis";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import type { AccessTokenVerifier } from "./auth/access-token-verifier";
import { Authenticator } from "./auth/authenticator";
import { RevokedSessions } from "./auth/revoked-sessions";
import { DEFAULT_MOVE_BATCH, KnexGameStore } from "./data/knex-game.store";
import type { MoveBatchOptions } from "./data/move-batch.writer";
import { PlayerRatingRepository } from "./data/player-rating.repository";
import { RedisMatchmakingQueue } from "./data/redis-matchmaking.queue";
import { UserDirectoryRepository } from "./data/user-directory.repository";
import { createGameRulesFactory, DEFAULT_GAME_KIND } from "./domain/game-rules.registry";
import { createGameUseCases, type GameUseCases } from "./domain/game-use-cases";
import { createGameMetrics, type GameMetrics } from "./game-metrics";
import { authenticate } from "./http/authenticate.middleware";
import { gamesRouter } from "./http/games.router";
import { matchmakingRouter } from "./http/matchmaking.router";
import { ratingsRouter } from "./http/ratings.router";
import { createAuthEventsConsumer } from "./messaging/auth-events.consumer";
import { createUserDirectoryConsumer, rebuildDirectoryIfEmpty } from "./messaging/user-directory.consumer";
import { ConnectionManager } from "./presence/connection-manager";
import { DisconnectGrace } from "./presence/disconnect-grace";
import { Matchmaker } from "./presence/matchmaker";
import { GameRedisKeys, matchmakingChannel } from "./presence/redis-keys";
import { AuthHandler } from "./ws/auth.handler";
import { GameBroadcaster } from "./ws/game-broadcaster";
import { GameMessageHandler } from "./ws/game-message.handler";
import { createGameSocketServer, type GameSocketOptions, type GameSocketServer } from "./ws/game-socket-server";

export interface GameRealtimeClients {
  logger: Logger;
  knex: Knex;
  /** Commands (presence, revocations, publishing). */
  redis: Redis;
  /** A second connection, used only for SUBSCRIBE. */
  subscriber: Redis;
  verifier: AccessTokenVerifier;
  /** Without Kafka the instance does not hear about revocations (tests that do not need it). */
  kafka?: { kafka: Kafka; deadLetterProducer: Producer; topicNamespace: string; fromBeginning?: boolean };
}

export interface GameRealtimeSettings {
  instanceId: string;
  /** REDIS_KEY_NAMESPACE: empty, keys `game:*`; set, `game:<namespace>:*` (see GameRedisKeys). */
  redisKeyNamespace?: string;
  graceMs: number;
  /** Sweep for forfeit deadlines orphaned by a dead instance; default 5 s. */
  graceSweepIntervalMs?: number;
  presenceTtlMs: number;
  maxConnectionsPerUser: number;
  /** Group commit of moves; DEFAULT_MOVE_BATCH when absent. */
  moveBatch?: Pick<MoveBatchOptions, "maxInFlight" | "maxBatch">;
  socket: GameSocketOptions;
  matchmaking?: Partial<MatchmakingSettings>;
  isShuttingDown?: () => boolean;
}

/** Matchmaking: drop a player after `timeoutMs` unpaired; pairing passes every `intervalMs`; the rating gap window. */
export interface MatchmakingSettings {
  /** Redis key prefix of the queue and its notices; the namespace's `…mm:` when absent. Instances that should pair together share it. */
  keyPrefix?: string;
  timeoutMs: number;
  intervalMs: number;
  window: { base: number; step: number; stepMs: number };
}

/** A gap of 100 rating points, 50 more for every 5 s waited; a pass every 200 ms; 60 s at most. */
export const DEFAULT_MATCHMAKING: MatchmakingSettings = { timeoutMs: 60_000, intervalMs: 200, window: { base: 100, step: 50, stepMs: 5_000 } };

/** The service's parts, wired once: the HTTP app, the WebSocket server and the consumers share them. */
export interface GameRealtimeUseCases {
  sockets: GameSocketServer;
  consumer: EventConsumer | undefined;
  /** The user directory's consumer (shared group); start it with `startDirectory`. */
  directoryConsumer: EventConsumer | undefined;
  /** Resets the directory group to the earliest offset when the directory is empty, then starts its consumer. */
  startDirectory(): Promise<void>;
  matchmaker: Matchmaker;
  games: GameUseCases;
  connections: ConnectionManager;
  directory: UserDirectoryRepository;
  grace: DisconnectGrace;
  authenticator: Authenticator;
  metrics: GameMetrics;
  /** Postgres, Redis and (with Kafka) the auth-events consumer. */
  readiness: Record<string, ReadinessCheck>;
}

/**
 * Wires the service from real clients: the WebSocket server and the auth-events consumer share one
 * game service and one connection manager, which `createApp` serves over HTTP. main.ts and the
 * tests both call it.
 */
export function createUseCases(clients: GameRealtimeClients, settings: GameRealtimeSettings): GameRealtimeUseCases {
  const { logger, redis } = clients;
  const store: KnexGameStore = new KnexGameStore(clients.knex, {
    ...(settings.moveBatch ?? DEFAULT_MOVE_BATCH),
    onBatch: (moves, seconds) => {
      metrics.moveBatchSize.observe(moves);
      metrics.moveBatchSeconds.observe(seconds);
    },
  });
  const metrics = createGameMetrics({ countActiveGames: () => store.countByStatus("active") });
  const directory = new UserDirectoryRepository(clients.knex);
  const ratings = new PlayerRatingRepository(clients.knex);
  const keys = new GameRedisKeys(settings.redisKeyNamespace);
  const matchmaking = { ...DEFAULT_MATCHMAKING, ...settings.matchmaking };
  const queuePrefix = matchmaking.keyPrefix ?? keys.matchmaking;
  const games = createGameUseCases({
    store,
    directory,
    ratings,
    queue: new RedisMatchmakingQueue(redis, matchmaking.timeoutMs, queuePrefix),
    matchmaking: { timeoutMs: matchmaking.timeoutMs, window: matchmaking.window },
    rules: createGameRulesFactory(),
    defaultKind: DEFAULT_GAME_KIND,
    logger,
  });
  const revocations = new RevokedSessions(redis, { keys });
  const revocationLog = new RevocationLog<"user" | "session">();
  const authenticator = new Authenticator({ verifier: clients.verifier, revocations, log: revocationLog });
  const connections = new ConnectionManager({ redis, subscriber: clients.subscriber, instanceId: settings.instanceId, presenceTtlMs: settings.presenceTtlMs, logger, keys });
  const broadcaster = new GameBroadcaster(connections);
  const grace: DisconnectGrace = new DisconnectGrace({
    redis,
    connections,
    games,
    broadcaster,
    graceMs: settings.graceMs,
    sweepIntervalMs: settings.graceSweepIntervalMs ?? 5_000,
    logger,
    keys,
    // The matchmaker's notices reach every socket of a user, on any instance (it is made below).
    tellUser: (userId, message): Promise<void> => matchmaker.notify(userId, message),
  });
  grace.start();
  const matchmaker: Matchmaker = new Matchmaker({ redis, subscriber: clients.subscriber, connections, pair: games.pairPlayers, cancel: games.cancelFind, grace, directory, games: games.get, find: games.findOpponent, channel: matchmakingChannel(queuePrefix), intervalMs: matchmaking.intervalMs, logger });
  const sockets = createGameSocketServer({
    logger,
    auth: new AuthHandler({ authenticator, connections, maxConnectionsPerUser: settings.maxConnectionsPerUser, logger }),
    messages: new GameMessageHandler({ games, connections, broadcaster, grace, matchmaker, logger }),
    connections,
    grace,
    matchmaker,
    metrics,
    options: settings.socket,
  });
  const readiness: Record<string, ReadinessCheck> = {
    postgres: () => clients.knex.raw("select 1"),
    redis: () => redis.ping(),
    ...(clients.kafka ? { kafka_consumer: degradesOnly(async () => consumer?.ready()) } : {}),
  };
  const consumer = clients.kafka
    ? createAuthEventsConsumer({ ...clients.kafka, instanceId: settings.instanceId, revocations, log: revocationLog, connections, logger, metrics: metrics.http.registry })
    : undefined;
  const directoryConsumer = clients.kafka
    ? createUserDirectoryConsumer({ ...clients.kafka, knex: clients.knex, directory, logger, metrics: metrics.http.registry })
    : undefined;
  const startDirectory = async () => {
    if (!clients.kafka || !directoryConsumer) return;
    await rebuildDirectoryIfEmpty({ kafka: clients.kafka.kafka, topicNamespace: clients.kafka.topicNamespace, directory, logger });
    await directoryConsumer.start();
  };
  return { sockets, consumer, directoryConsumer, startDirectory, matchmaker, games, connections, directory, grace, authenticator, metrics, readiness };
}

/** What the HTTP app needs: the use cases it serves, and its operational hooks. */
export interface AppDeps {
  logger: Logger;
  useCases: Pick<GameRealtimeUseCases, "games" | "directory" | "matchmaker" | "grace" | "authenticator" | "metrics" | "readiness">;
  isShuttingDown?: () => boolean;
  jsonBodyLimit?: string;
}

/** The HTTP side of the service; the WebSocket server attaches to the same http.Server separately. */
export function createApp(deps: AppDeps): Express {
  const { games, directory, matchmaker, grace, authenticator, metrics } = deps.useCases;
  return createHttpApp({
    logger: deps.logger,
    metrics: metrics.http,
    readiness: deps.useCases.readiness,
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
      const auth = authenticate(authenticator);
      // Before the games router: its /api/v1/games/{id} would take "leaderboard" for an id.
      app.use(matchmakingRouter({ games, matchmaker, authenticate: auth }));
      app.use(ratingsRouter({ games, authenticate: auth }));
      app.use(gamesRouter({ games, directory, grace, authenticate: auth }));
    },
  });
}
