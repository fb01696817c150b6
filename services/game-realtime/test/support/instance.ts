import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { accessTokenVerifier, createDatabase, createKafka, createLogger, createRedis, ensureTopics, namespacedTopic, openDatabase, type Logger } from "@tollgate/service-kit";
import { topics } from "@tollgate/contracts";
import { testDatabaseUrl, testInfra } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import type { Producer } from "kafkajs";
import type { Knex } from "knex";
import type { AccessTokenVerifier } from "../../src/auth/access-token-verifier";
import { KitAccessTokenVerifier } from "../../src/auth/kit-access-token-verifier";
import { createApp, createUseCases, type GameRealtimeSettings, type GameRealtimeUseCases } from "../../src/app";
import { migrations } from "../../src/migrations";
import { GameRedisKeys } from "../../src/presence/redis-keys";
import { AUDIENCE, ISSUER, type TestTokenIssuer } from "./tokens";

export const TEST_DATABASE_URL = testDatabaseUrl("tollgate_game_test");

/**
 * Each test file's instances get Redis keys of their own, per database: on the default `game:*`
 * every test instance's pairing pass took the local stack's queued players (and each other's) and
 * made their games in the test database (2026-12-01).
 */
const RUN = `test-${randomUUID().slice(0, 8)}`;
const namespaceFor = (databaseUrl: string): string => `${RUN}-${new URL(databaseUrl).pathname.slice(1)}`;

const migrated = new Map<string, Promise<void>>();
const createdTopics = new Set<string>();

/** Creates `tollgate_game_test` (or the database at `url`) and runs the service's migrations once per test file. */
export function migrateTestDatabase(logger: Logger, url = TEST_DATABASE_URL): Promise<void> {
  let done = migrated.get(url);
  if (!done) {
    done = (async () => {
      const knex = await openDatabase({ url, logger, migrations });
      await knex.destroy();
    })();
    migrated.set(url, done);
  }
  return done;
}

export function quietLogger(): Logger {
  return createLogger({ service: "game-realtime-test", level: process.env.TEST_LOG_LEVEL ?? "error" });
}

export interface TestInstance extends GameRealtimeUseCases {
  baseUrl: string;
  wsUrl: string;
  port: number;
  server: Server;
  knex: Knex;
  redis: Redis;
  /** The instance's Redis keys (the file's namespace); a child process joins it with REDIS_KEY_NAMESPACE. */
  keys: GameRedisKeys;
  redisKeyNamespace: string;
  instanceId: string;
  stop(): Promise<void>;
}

export interface InstanceOptions {
  settings?: Partial<Omit<GameRealtimeSettings, "socket">> & { socket?: Partial<GameRealtimeSettings["socket"]> };
  /** Consume auth events from this namespace (Kafka); off by default. */
  kafkaNamespace?: string;
  /** Also run the user directory's consumer (shared group; needs kafkaNamespace). */
  directory?: boolean;
  /** Another database than `tollgate_game_test` (migrated on first use). */
  databaseUrl?: string;
  /** Listen on this port (to restart an instance where it was). */
  port?: number;
  /** Log here instead of the quiet logger (a test that reads the warnings). */
  logger?: Logger;
}

/**
 * One instance of the whole service (HTTP + WebSocket, optionally Kafka) on real infrastructure.
 * Tokens come from the test issuer, or from whatever a given verifier accepts (the real auth
 * service's, through @tollgate/auth-fixture).
 */
export async function startInstance(tokens: TestTokenIssuer | AccessTokenVerifier, options: InstanceOptions = {}): Promise<TestInstance> {
  const logger = options.logger ?? quietLogger();
  const databaseUrl = options.databaseUrl ?? TEST_DATABASE_URL;
  await migrateTestDatabase(logger, databaseUrl);
  const infra = testInfra();
  const instanceId = options.settings?.instanceId ?? `test-${randomUUID().slice(0, 8)}`;
  const redisKeyNamespace = options.settings?.redisKeyNamespace ?? namespaceFor(databaseUrl);
  const knex = createDatabase({ url: databaseUrl, logger });
  const redis = createRedis({ url: infra.redisUrl, profile: "store", logger, name: "game-test" });
  const subscriber = createRedis({ url: infra.redisUrl, profile: "subscriber", logger, name: "game-test-sub" });
  const verifier =
    "verify" in tokens
      ? tokens
      : new KitAccessTokenVerifier(accessTokenVerifier({ jwksUrl: tokens.jwksUrl, issuer: ISSUER, audience: AUDIENCE }));
  let deadLetterProducer: Producer | undefined;
  let kafkaClients: { kafka: ReturnType<typeof createKafka>; deadLetterProducer: Producer; topicNamespace: string; fromBeginning: boolean } | undefined;
  if (options.kafkaNamespace !== undefined) {
    const kafka = createKafka({ clientId: instanceId, brokers: infra.kafkaBrokers, logger });
    const topic = namespacedTopic(options.kafkaNamespace, topics.authEvents);
    // Once per namespace: creating a topic that exists makes the broker log an error.
    if (!createdTopics.has(topic)) {
      await ensureTopics(kafka, [topic, `${topic}.dlq`]);
      createdTopics.add(topic);
    }
    deadLetterProducer = kafka.producer();
    await deadLetterProducer.connect();
    // The namespace's topic is new, so reading it from the start cannot replay anything old, and
    // an event published right after start-up is not missed while the group looks up its offsets.
    kafkaClients = { kafka, deadLetterProducer, topicNamespace: options.kafkaNamespace, fromBeginning: true };
  }
  const service = createUseCases(
    { logger, knex, redis, subscriber, verifier, kafka: kafkaClients },
    {
      instanceId,
      redisKeyNamespace,
      graceMs: options.settings?.graceMs ?? 60_000,
      graceSweepIntervalMs: options.settings?.graceSweepIntervalMs ?? 5_000,
      presenceTtlMs: options.settings?.presenceTtlMs ?? 90_000,
      maxConnectionsPerUser: options.settings?.maxConnectionsPerUser ?? 5,
      socket: {
        allowedOrigins: ["https://play.tollgate.test"],
        authTimeoutMs: 5_000,
        maxPayloadBytes: 16 * 1024,
        pingIntervalMs: 30_000,
        maxBufferedBytes: 1024 * 1024,
        ratePerSecond: 50,
        rateBurst: 100,
        ...options.settings?.socket,
      },
      matchmaking: options.settings?.matchmaking,
    },
  );
  const server = createServer(createApp({ logger, useCases: service }));
  service.sockets.attach(server);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  if (service.consumer) {
    await service.consumer.start();
    await service.consumer.joined();
  }
  if (options.directory && service.directoryConsumer) {
    await service.startDirectory();
    await service.directoryConsumer.joined();
  }
  await service.matchmaker.start();
  const port = (server.address() as AddressInfo).port;
  return {
    ...service,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws/game`,
    port,
    server,
    knex,
    redis,
    keys: new GameRedisKeys(redisKeyNamespace),
    redisKeyNamespace,
    instanceId,
    stop: async () => {
      service.matchmaker.stop();
      await service.sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await service.consumer?.stop();
      if (options.directory) await service.directoryConsumer?.stop();
      await deadLetterProducer?.disconnect();
      await knex.destroy();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
