import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { loginRequestSchema, registerRequestSchema, serviceTokenResponseSchema, tokenPairResponseSchema } from "@tollgate/contracts";
import { authEnvSchema, authMigrations, createApp, createTokenSigner, ZxcvbnStrengthEstimator } from "@tollgate/auth-service";
import {
  closeRedis,
  createDatabase,
  createLogger,
  createRedis,
  ensureDatabase,
  httpJwksFetcher,
  JwksKeyStore,
  JwtVerifier,
  listen,
  migrate,
  namespacedTopic,
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
  user(role?: "user" | "admin"): Promise<IssuedUser>;
  /** A service token from a client configured with exactly this scope. */
  serviceToken(scope: string): Promise<string>;
  /** Credentials of the client configured with `scope`. */
  serviceClient(scope: string): { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

const AUTH_DATABASE_URL = testDatabaseUrl("tollgate_auth_test");
const SCOPES = ["tokens:validate", "games:read"];
const clientFor = (scope: string) => ({ clientId: `client-${scope.replace(/[^a-z]/g, "-")}`, clientSecret: `secret-${scope}-${"s".repeat(24)}` });
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function startAuthFixture({ namespace = uniqueName("auth") }: { namespace?: string } = {}): Promise<AuthFixture> {
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
  await ensureDatabase(AUTH_DATABASE_URL);
  const knex = createDatabase({ url: AUTH_DATABASE_URL, logger });
  await migrate(knex, authMigrations);
  await createTokenSigner(knex, config).ensureKey();
  const redis = createRedis({ url: config.REDIS_URL, profile: "store", logger, name: "auth-fixture" });
  const authEventsTopic = namespacedTopic(namespace, "tollgate.auth-events");
  // Its own password-strength worker, closed with the fixture (createApp's own would outlive it).
  const passwordStrength = new ZxcvbnStrengthEstimator();
  const server = createServer(createApp({ config, logger, knex, redis, authEventsTopic, passwordStrength }));
  const baseUrl = `http://127.0.0.1:${await listen(server, 0, "127.0.0.1")}`;
  const verifier = new JwtVerifier({
    keys: new JwksKeyStore({ fetchJwks: httpJwksFetcher(`${baseUrl}/.well-known/jwks.json`), minRefetchIntervalMs: 100 }),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };

  return {
    baseUrl,
    verifier,
    authEventsTopic,
    async user(role = "user") {
      const name = `u${randomUUID().replace(/-/g, "").slice(0, 20)}`;
      const password = `pw-${randomUUID()}`;
      const registered = (await post("/api/v1/auth/register", registerRequestSchema.parse({ email: `${name}@example.test`, username: name, password }))) as { id: string };
      if (role === "admin") await knex("users").where({ id: registered.id }).update({ role: "admin" });
      const pair = tokenPairResponseSchema.parse(await post("/api/v1/auth/login", loginRequestSchema.parse({ login: name, password })));
      const claims = JSON.parse(Buffer.from(pair.access_token.split(".")[1] ?? "", "base64url").toString()) as { sid: string };
      return { token: pair.access_token, userId: registered.id, sessionId: claims.sid };
    },
    async serviceToken(scope) {
      const client = clientFor(scope);
      const body = serviceTokenResponseSchema.parse(await post("/api/v1/auth/service-token", { client_id: client.clientId, client_secret: client.clientSecret }));
      return body.access_token;
    },
    serviceClient: clientFor,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeRedis(redis);
      await knex.destroy();
      await passwordStrength.close();
    },
  };
}
