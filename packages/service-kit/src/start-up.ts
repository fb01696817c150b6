// The start-up every service's main.ts used to repeat line for line: open and migrate its database,
// connect Kafka with its topics, build the access-token verifier, serve with graceful shutdown, and
// report a failed start. Each main.ts now reads: config → clients (these helpers) → createUseCases →
// createApp → serve.
import { createServer, type RequestListener, type Server } from "node:http";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import { createDatabase, ensureDatabase, migrate, type DatabaseOptions, type Migration } from "./db/create-database";
import { createIdempotentProducer, createKafka, ensureTopics } from "./events/kafka";
import { httpJwksFetcher, JwksKeyStore } from "./jwt/jwks-key-store";
import { JwtVerifier } from "./jwt/jwt-verifier";
import { installGracefulShutdown, listen, type ShutdownHandle, type ShutdownStep } from "./lifecycle";
import type { Logger } from "./logger";

/**
 * Creates the service's database if it is missing, opens a pool and applies `migrations`, logging
 * the names it applied.
 *
 * @throws what Postgres answers when it cannot be reached or a migration fails.
 */
export async function openDatabase(options: DatabaseOptions & { migrations: Migration[] }): Promise<Knex> {
  const { migrations, ...database } = options;
  await ensureDatabase(database.url);
  const knex = createDatabase(database);
  const applied = await migrate(knex, migrations);
  if (applied.length > 0) options.logger.info("migrations applied", { applied });
  return knex;
}

export interface KafkaConnection {
  kafka: Kafka;
  /** Idempotent, connected; also the dead-letter producer of the service's consumers. */
  producer: Producer;
}

/**
 * A Kafka client whose `topics` exist (created with their leaders elected) and an idempotent
 * producer, connected.
 *
 * @throws when no broker answers within kafkajs's retries, or a topic cannot be created.
 */
export async function connectKafka(options: { clientId: string; brokers: string[]; logger: Logger; topics: string[] }): Promise<KafkaConnection> {
  const kafka = createKafka(options);
  await ensureTopics(kafka, options.topics);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  return { kafka, producer };
}

/**
 * The verifier of user access tokens every service uses: keys from the auth service's JWKS
 * (`AUTH_JWKS_URL`, fetched on first use and on an unknown `kid`), issuer and audience required.
 */
export function accessTokenVerifier(options: { jwksUrl: string; issuer: string; audience: string }): JwtVerifier {
  return new JwtVerifier({ keys: new JwksKeyStore({ fetchJwks: httpJwksFetcher(options.jwksUrl) }), issuer: options.issuer, audience: options.audience });
}

export interface ServeOptions {
  /** Builds the request handler; `isShuttingDown` turns readiness to 503 once a shutdown has begun. */
  app: (isShuttingDown: () => boolean) => RequestListener;
  port: number;
  host: string;
  logger: Logger;
  /** SHUTDOWN_TIMEOUT_MS: the hard limit of the whole shutdown. */
  shutdownTimeoutMs: number;
  /** Run in order once the server has drained: consumers, relays, producers, pools. */
  steps: ShutdownStep[];
  /** Before listening: attach upgrade handlers and the like. */
  beforeListen?: (server: Server) => void;
  /** Signals that start the shutdown; [] when the service handles them itself. Default SIGTERM, SIGINT. */
  signals?: NodeJS.Signals[];
}

/**
 * Serves the app on `host:port` with graceful shutdown installed (see `installGracefulShutdown`).
 * Resolves once listening, with the bound port.
 *
 * @throws the listen error (EADDRINUSE, EACCES).
 */
export async function serve(options: ServeOptions): Promise<{ server: Server; port: number; shutdown: ShutdownHandle }> {
  let shuttingDown = (): boolean => false;
  const server = createServer(options.app(() => shuttingDown()));
  options.beforeListen?.(server);
  const shutdown = installGracefulShutdown({ server, logger: options.logger, timeoutMs: options.shutdownTimeoutMs, steps: options.steps, signals: options.signals });
  shuttingDown = shutdown.isShuttingDown;
  const port = await listen(server, options.port, options.host);
  return { server, port, shutdown };
}

/**
 * Runs a service's `main`; a start that fails writes the stack to stderr (the logger may not exist
 * yet: a bad configuration is reported by the config loader itself) and exits 1.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
