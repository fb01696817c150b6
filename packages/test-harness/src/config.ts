/**
 * The test harness's configuration: the only file here that touches process.env.
 * Where the tests find their infrastructure. The global setup fills these variables in (from
 * the local machine or from containers) before any test file runs; test files read them here.
 */
import { createHash } from "node:crypto";

export interface TestInfra {
  /** Postgres server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432 */
  postgresUrl: string;
  redisUrl: string;
  kafkaBrokers: string[];
  /** Unique per `jest` run: prefixes topic names, consumer groups and Redis keys. */
  runId: string;
  mode: "local" | "containers";
}

export function testInfra(): TestInfra {
  const env = process.env;
  return {
    postgresUrl: env.TOLLGATE_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432",
    redisUrl: env.TOLLGATE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    kafkaBrokers: (env.TOLLGATE_TEST_KAFKA_BROKERS ?? "127.0.0.1:9092").split(","),
    runId: env.TOLLGATE_TEST_RUN_ID ?? "local",
    mode: env.TOLLGATE_TEST_INFRA === "containers" ? "containers" : "local",
  };
}

/** A connection string for a test database (created by the global setup or by the service). */
export function testDatabaseUrl(database: string): string {
  return `${testInfra().postgresUrl}/${database}`;
}

/** A name unique to this run and this call, for topics, groups and keys. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${testInfra().runId}.${Math.random().toString(36).slice(2, 8)}`;
}

/** The environment a child process of the harness starts from (PATH, JAVA_HOME, …) plus overrides. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/**
 * The images `TOLLGATE_TEST_INFRA=containers` starts: the official ones by default; where no
 * registry is reachable, the ones infra/containers/build-base.sh builds from Debian (the same
 * variables docker-compose.yml reads).
 */
export function containerImages(): { postgres: string; redis: string; kafka: string } {
  const env = process.env;
  return {
    postgres: env.TOLLGATE_POSTGRES_IMAGE ?? "postgres:15-alpine",
    redis: env.TOLLGATE_REDIS_IMAGE ?? "redis:7-alpine",
    kafka: env.TOLLGATE_KAFKA_IMAGE ?? "apache/kafka:3.9.1",
  };
}

/** Makes container addresses visible to the test workers, which start after the global setup. */
export function publishContainerInfra(urls: { postgresUrl: string; redisUrl: string; kafkaBrokers: string }): void {
  process.env.TOLLGATE_TEST_POSTGRES_URL = urls.postgresUrl;
  process.env.TOLLGATE_TEST_REDIS_URL = urls.redisUrl;
  process.env.TOLLGATE_TEST_KAFKA_BROKERS = urls.kafkaBrokers;
}

/** Gives this jest run its id (kept when the caller set one) and reports the infrastructure mode. */
export function prepareRun(runId: string): "local" | "containers" {
  process.env.TOLLGATE_TEST_RUN_ID ??= runId;
  return process.env.TOLLGATE_TEST_INFRA === "containers" ? "containers" : "local";
}

/**
 * The key-encryption key every test that runs auth code seals signing keys with (base64 of 32
 * bytes). Derived from a fixed label, not random: test files share the auth test database, and a
 * key sealed by one file must open in the next. It protects test data only.
 */
export function testSigningKeysEncryptionKey(): string {
  return createHash("sha256").update("tollgate test signing-key encryption").digest("base64");
}
