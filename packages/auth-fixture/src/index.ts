import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { loginRequestSchema, registerRequestSchema, serviceTokenResponseSchema, tokenPairResponseSchema, topics } from "@tollgate/contracts";
import { authEnvSchema, authMigrations, createApp, createTokenSigner, createUseCases, ZxcvbnStrengthEstimator } from "@tollgate/auth-service";
import {
  closeRedis,
  createIdempotentProducer,
  createKafka,
  createLogger,
  createRedis,
  httpJwksFetcher,
  JwksKeyStore,
  JwtVerifier,
  listen,
  namespacedTopic,
  openDatabase,
  OutboxRelay,
  parseConfig,
} from "@tollgate/service-kit";
import { testDatabaseUrl, testInfra, testSigningKeysEncryptionKey, uniqueName } from "@tollgate/test-harness";

export interface IssuedUser {
  token: string;
  userId: string;
  sessionId: string;
}

/**
 * The real auth service, in-process on a free port: users register and log in over HTTP, service
 * tokens come from `/api/v1/auth/service-token`, and the verifier reads its JWKS.
 */
export interface AuthFixture {
  baseUrl: string;
  verifier: JwtVerifier;
  /** The auth events topic this auth instance publishes to. */
  authEventsTopic: string;
  /** A new user, logged in; `emailVerified` marks the address verified first (the access JWT then says so). */
  user(role?: "user" | "admin", options?: { emailVerified?: boolean }): Promise<IssuedUser>;
  /** A service token from a client configured with exactly this scope. */
  serviceToken(scope: string): Promise<string>;
  /** Credentials of the client configured with `scope`. */
  serviceClient(scope: string): { clientId: string; clientSecret: string };
  /** Logs the session of this access token out (`POST /api/v1/auth/logout`, 204). */
  logout(accessToken: string): Promise<void>;
  /** Disables a user through the admin API (`POST /api/v1/admin/users/{id}/disable`, 204), as an admin made on first use. */
  disableUser(userId: string): Promise<void>;
  close(): Promise<void>;
}

export interface AuthFixtureOptions {
  /** Topic namespace of the events (`<namespace>.tollgate.auth-events`); a fresh one by default. */
  namespace?: string;
  /**
   * Run the outbox relay, so that the auth events (`session.revoked`, `user.disabled`) reach
   * Kafka as they do in production. Off by default: most tests only need tokens.
   */
  publishEvents?: boolean;
}

const AUTH_DATABASE_URL = testDatabaseUrl("tollgate_auth_test");
const SCOPES = ["tokens:validate", "games:read", "billing:purchases"];
const clientFor = (scope: string) => ({ clientId: `client-${scope.replace(/[^a-z]/g, "-")}`, clientSecret: `secret-${scope}-${"s".repeat(24)}` });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function startAuthFixture({ namespace = uniqueName("auth"), publishEvents = false }: AuthFixtureOptions = {}): Promise<AuthFixture> {
  const logger = createLogger({ service: "auth-fixture", level: "warn" });
  const config = parseConfig(authEnvSchema, {
    NODE_ENV: "test",
    DATABASE_URL: AUTH_DATABASE_URL,
    REDIS_URL: testInfra().redisUrl,
    KAFKA_BROKERS: testInfra().kafkaBrokers.join(","),
    KAFKA_TOPIC_NAMESPACE: namespace,
    ARGON2_MEMORY_KIB: "1024",
    ARGON2_TIME_COST: "1",
    LOGIN_IP_MAX_FAILURES: "100000",
    SIGNING_KEYS_ENCRYPTION_KEYS: testSigningKeysEncryptionKey(),
    SERVICE_CLIENTS: SCOPES.map((scope) => `${clientFor(scope).clientId}:${sha256(clientFor(scope).clientSecret)}:${scope}`).join(","),
  });
  const knex = await openDatabase({ url: AUTH_DATABASE_URL, logger, migrations: authMigrations });
  await createTokenSigner(knex, config).ensureKey();
  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "auth-fixture" });
  const authEventsTopic = namespacedTopic(namespace, topics.authEvents);
  // Its own password-strength worker, closed with the fixture (createUseCases' own would outlive it).
  const passwordStrength = new ZxcvbnStrengthEstimator();
  const useCases = createUseCases({ knex, redis, logger, passwordStrength }, { config, authEventsTopic });
  const server = createServer(createApp({ logger, knex, redis, useCases, trustProxy: config.TRUST_PROXY, bodyLimit: config.HTTP_BODY_LIMIT }));
  const baseUrl = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  const verifier = new JwtVerifier({
    keys: new JwksKeyStore({ fetchJwks: httpJwksFetcher(`${baseUrl}/.well-known/jwks.json`), minRefetchIntervalMs: 100 }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const relay = publishEvents ? await startRelay(config.KAFKA_BROKERS, knex, logger) : undefined;

  const post = async (path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };

  const user = async (role: "user" | "admin" = "user", options: { emailVerified?: boolean } = {}): Promise<IssuedUser> => {
    const name = `u${randomUUID().replace(/-/g, "").slice(0, 20)}`;
    const password = `pw-${randomUUID()}`;
    const registered = (await post("/api/v1/auth/register", registerRequestSchema.parse({ email: `${name}@example.test`, username: name, password }))) as { id: string };
    if (role === "admin") await knex("users").where({ id: registered.id }).update({ role: "admin" });
    if (options.emailVerified) await knex("users").where({ id: registered.id }).update({ email_verified_at: new Date() });
    const pair = tokenPairResponseSchema.parse(await post("/api/v1/auth/login", loginRequestSchema.parse({ login: name, password })));
    const claims = JSON.parse(Buffer.from(pair.access_token.split(".")[1] ?? "", "base64url").toString()) as { sid: string };
    return { token: pair.access_token, userId: registered.id, sessionId: claims.sid };
  };
  let admin: Promise<IssuedUser> | undefined;

  return {
    baseUrl,
    verifier,
    authEventsTopic,
    user,
    async serviceToken(scope) {
      const client = clientFor(scope);
      const body = serviceTokenResponseSchema.parse(await post("/api/v1/auth/service-token", { client_id: client.clientId, client_secret: client.clientSecret }));
      return body.access_token;
    },
    serviceClient: clientFor,
    async logout(accessToken) {
      await post("/api/v1/auth/logout", undefined, accessToken);
    },
    async disableUser(userId) {
      admin ??= user("admin");
      await post(`/api/v1/admin/users/${userId}/disable`, undefined, (await admin).token);
    },
    async close() {
      await relay?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeRedis(redis);
      await knex.destroy();
      await passwordStrength.close();
    },
  };
}

/** The outbox relay on its own producer, as auth's main.ts runs it. */
async function startRelay(brokers: string[], knex: Awaited<ReturnType<typeof openDatabase>>, logger: ReturnType<typeof createLogger>): Promise<{ stop(): Promise<void> }> {
  const producer = createIdempotentProducer(createKafka({ clientId: "auth-fixture", brokers, logger }));
  await producer.connect();
  const relay = new OutboxRelay({ knex, producer, logger, listenUrl: AUTH_DATABASE_URL, pollIntervalMs: 100 });
  relay.start();
  return {
    async stop() {
      await relay.stop({ flushTimeoutMs: 0 });
      await producer.disconnect();
    },
  };
}
