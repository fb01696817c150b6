import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { topics } from "@tollgate/contracts";
import {
  closeRedis,
  createIdempotentProducer,
  createKafka,
  createLogger,
  createRedis,
  type HttpMetrics,
  listen,
  type Logger,
  namespacedTopic,
  openDatabase,
  OutboxRelay,
  parseConfig,
} from "@tollgate/service-kit";
import { CaptureTransport, testDatabaseUrl, testInfra, testSigningKeysEncryptionKey, uniqueName } from "@tollgate/test-harness";
import type { Kafka, Producer } from "kafkajs";
import type { Knex } from "knex";
import { createApp, createTokenSigner, createUseCases, type AuthClients } from "../src/app";
import type { AuthActivity } from "../src/domain/auth-activity.port";
import { authEnvSchema, type AuthConfig } from "../src/config";
import { ZxcvbnStrengthEstimator } from "../src/data/zxcvbn-strength.estimator";
import { authMigrations } from "../src/migrations";

export const DATABASE_URL = testDatabaseUrl("tollgate_auth_test");
export const SERVICE_CLIENT_ID = "token-service";
/** A secret the tests know in plain text; config only holds its hash. */
export const SERVICE_CLIENT_SECRET = "canary-client-secret-7f3b9e2a41c6d805";

export { CaptureTransport };

/**
 * Secrets a test file used (passwords, issued tokens, client secrets). Every file checks in its
 * afterAll that none of them reached a log line.
 */
export class Canaries {
  private readonly values = new Set<string>([SERVICE_CLIENT_SECRET]);

  add<T extends string>(value: T): T {
    this.values.add(value);
    return value;
  }

  /** Registers the tokens of a login/refresh response. */
  addTokens(body: { access_token?: unknown; refresh_token?: unknown }): void {
    if (typeof body.access_token === "string") this.add(body.access_token);
    if (typeof body.refresh_token === "string") this.add(body.refresh_token);
  }

  leaksIn(lines: string[]): { value: string; line: string }[] {
    const leaks: { value: string; line: string }[] = [];
    for (const line of lines) for (const value of this.values) if (line.includes(value)) leaks.push({ value: value.slice(0, 12), line: line.slice(0, 300) });
    return leaks;
  }

  get size(): number {
    return this.values.size;
  }
}

export function testEnv(namespace: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    DATABASE_URL,
    REDIS_URL: testInfra().redisUrl,
    KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
    KAFKA_TOPIC_NAMESPACE: namespace,
    // Counters of earlier runs and other files must not leak into this one.
    REDIS_KEY_NAMESPACE: namespace,
    // Low argon2 cost so the suite stays fast; production refuses anything below the floor.
    ARGON2_MEMORY_KIB: "1024",
    ARGON2_TIME_COST: "1",
    TRUST_PROXY: "true",
    LOGIN_IP_MAX_FAILURES: "100000",
    SIGNING_KEY_CACHE_SECONDS: "1",
    SIGNING_KEY_ACTIVATION_DELAY_SECONDS: "1",
    SIGNING_KEYS_ENCRYPTION_KEYS: testSigningKeysEncryptionKey(),
    SERVICE_CLIENTS: `${SERVICE_CLIENT_ID}:${createHash("sha256").update(SERVICE_CLIENT_SECRET).digest("hex")}:tokens:validate tokens:status`,
    ...overrides,
  };
}

export interface AuthFixture {
  baseUrl: string;
  config: AuthConfig;
  logger: Logger;
  capture: CaptureTransport;
  knex: Knex;
  redis: ReturnType<typeof createRedis>;
  namespace: string;
  authEventsTopic: string;
  tokenEventsTopic: string;
  /** Starts an outbox relay publishing this app's events (tests that look at Kafka). */
  startRelay(): Promise<{ kafka: Kafka; producer: Producer }>;
  close(): Promise<void>;
}

/** The auth app on a free port against the test database, Redis and (on demand) Kafka. */
export async function startAuth(overrides: Record<string, string> = {}, deps: Pick<AuthClients, "hasher" | "passwordStrength"> & { metrics?: { http: HttpMetrics; activity: AuthActivity } } = {}): Promise<AuthFixture> {
  const capture = new CaptureTransport();
  const logger = createLogger({ service: "auth-test", level: "debug", transports: [capture] });
  const namespace = uniqueName("auth");
  const config = parseConfig(authEnvSchema, testEnv(namespace, overrides));
  // DATABASE_URL unless a test overrides it (one that needs a database of its own, e.g. an empty one).
  const knex = await openDatabase({ url: config.DATABASE_URL, logger, migrations: authMigrations });
  await createTokenSigner(knex, config).ensureKey();
  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "auth-test" });
  const authEventsTopic = namespacedTopic(namespace, topics.authEvents);
  const tokenEventsTopic = namespacedTopic(namespace, topics.tokenEvents);
  // One zxcvbn worker per fixture, unless the test brings its own (and closes it).
  const ownEstimator = deps.passwordStrength ? undefined : new ZxcvbnStrengthEstimator();
  const useCases = createUseCases(
    { knex, redis, logger, hasher: deps.hasher, passwordStrength: deps.passwordStrength ?? ownEstimator, activity: deps.metrics?.activity, registry: deps.metrics?.http.registry },
    { config, authEventsTopic },
  );
  const app = createApp({ logger, knex, redis, useCases, trustProxy: config.TRUST_PROXY, bodyLimit: config.HTTP_BODY_LIMIT, metrics: deps.metrics?.http });
  const server: Server = createServer(app);
  const port = await listen(server, 0, "127.0.0.1");
  const cleanups: (() => Promise<unknown>)[] = [];

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    logger,
    capture,
    knex,
    redis,
    namespace,
    authEventsTopic,
    tokenEventsTopic,
    async startRelay() {
      const kafka = createKafka({ clientId: "auth-test", brokers: config.KAFKA_BROKERS, logger });
      const producer = createIdempotentProducer(kafka);
      await producer.connect();
      const relay = new OutboxRelay({ knex, producer, logger, listenUrl: config.DATABASE_URL, pollIntervalMs: 100 });
      relay.start();
      cleanups.push(() => relay.stop({ flushTimeoutMs: 0 }), () => producer.disconnect());
      return { kafka, producer };
    },
    async close() {
      for (const cleanup of cleanups.splice(0)) await cleanup();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeRedis(redis);
      await knex.destroy();
      await ownEstimator?.close();
    },
  };
}

let counter = 0;

/** A fresh, valid registration (unique per call). */
export function newAccount(canaries: Canaries) {
  const id = `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    email: `user.${id}@example.test`,
    username: `u_${id}`.slice(0, 32),
    password: canaries.add(`canary-pw-${id}-Zq8!`),
  };
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON request against the fixture; `body` as a string is sent verbatim. */
export async function call<T = Record<string, unknown>>(
  fixture: { baseUrl: string },
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${fixture.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
}

/** Registers and logs in; returns the account and the token pair. */
export async function registerAndLogin(fixture: AuthFixture, canaries: Canaries, headers: Record<string, string> = {}) {
  const account = newAccount(canaries);
  const registered = await call(fixture, "POST", "/api/v1/auth/register", { body: account, headers });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const login = await call<{ access_token: string; refresh_token: string; user: { id: string } }>(fixture, "POST", "/api/v1/auth/login", {
    body: { login: account.email, password: account.password },
    headers,
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  canaries.addTokens(login.body);
  return { account, tokens: login.body, userId: login.body.user.id };
}

/** Fails the file when a canary reached a log line; also proves the capture saw something. */
export function expectNoCanaryInLogs(canaries: Canaries, capture: CaptureTransport): void {
  expect(capture.lines.length).toBeGreaterThan(0);
  expect(canaries.leaksIn(capture.lines)).toEqual([]);
}
