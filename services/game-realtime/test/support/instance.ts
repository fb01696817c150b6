import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, createLogger, createRedis, ensureDatabase, migrate, type Logger } from "@tollgate/service-kit";
import { testDatabaseUrl, testInfra } from "@tollgate/test-harness";
import type { Redis } from "ioredis";
import type { Knex } from "knex";
import { createApp } from "../../src/app";
import { Authenticator } from "../../src/auth/authenticator";
import { JwksKeySource } from "../../src/auth/jwks-key-source";
import { JwtAccessTokenVerifier } from "../../src/auth/jwt-access-token-verifier";
import { RevokedSessions } from "../../src/auth/revoked-sessions";
import { KnexGameStore } from "../../src/data/knex-game.store";
import { GameService } from "../../src/domain/game.service";
import { createGameRulesFactory, DEFAULT_GAME_KIND } from "../../src/domain/game-rules.registry";
import { createGameMetrics } from "../../src/game-metrics";
import { migrations } from "../../src/migrations/001-games-and-moves";
import { AUDIENCE, ISSUER, type TestTokenIssuer } from "./tokens";

export const TEST_DATABASE_URL = testDatabaseUrl("tollgate_game_test");

let migrated: Promise<void> | undefined;

/** Creates `tollgate_game_test` and runs the service's migrations once per test file. */
export function migrateTestDatabase(logger: Logger): Promise<void> {
  migrated ??= (async () => {
    await ensureDatabase(TEST_DATABASE_URL);
    const knex = createDatabase({ url: TEST_DATABASE_URL, logger });
    try {
      await migrate(knex, migrations);
    } finally {
      await knex.destroy();
    }
  })();
  return migrated;
}

export function quietLogger(): Logger {
  return createLogger({ service: "game-realtime-test", level: process.env.TEST_LOG_LEVEL ?? "error" });
}

export interface TestInstance {
  baseUrl: string;
  server: Server;
  knex: Knex;
  redis: Redis;
  games: GameService;
  stop(): Promise<void>;
}

/** One instance of the HTTP side against the real test database and Redis, on a free port. */
export async function startHttpInstance(issuer: TestTokenIssuer): Promise<TestInstance> {
  const logger = quietLogger();
  await migrateTestDatabase(logger);
  const knex = createDatabase({ url: TEST_DATABASE_URL, logger });
  const redis = createRedis({ url: testInfra().redisUrl, profile: "store", logger, name: "game-test" });
  const store = new KnexGameStore(knex);
  const games = new GameService({ store, rules: createGameRulesFactory(), defaultKind: DEFAULT_GAME_KIND, logger });
  const verifier = new JwtAccessTokenVerifier({ keys: new JwksKeySource({ url: issuer.jwksUrl }), issuer: ISSUER, audience: AUDIENCE });
  const authenticator = new Authenticator({ verifier, revocations: new RevokedSessions(redis) });
  const metrics = createGameMetrics({ countActiveGames: () => store.countByStatus("active") });
  const app = createApp({
    logger,
    games,
    authenticator,
    metrics,
    readiness: { postgres: () => knex.raw("select 1"), redis: () => redis.ping() },
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    server,
    knex,
    redis,
    games,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await knex.destroy();
      redis.disconnect();
    },
  };
}
