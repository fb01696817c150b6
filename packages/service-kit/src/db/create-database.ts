import knexFactory, { type Knex } from "knex";
import pg from "pg";
import type { Logger } from "../logger";

export interface DatabaseOptions {
  /** postgres://user:pass@host:port/database */
  url: string;
  logger: Logger;
  pool?: { min?: number; max?: number };
  /** How long to wait for a connection from the pool, and for a new connection to open. */
  connectTimeoutMs?: number;
  /** Per-statement limit set on every connection. */
  statementTimeoutMs?: number;
}

/** Parses the database name out of a connection string. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and '_'`);
  return name;
}

/**
 * Creates the service's database when it does not exist (connecting to the `postgres` maintenance
 * database with the same credentials). Safe when several instances race: 42P04 means another won.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
        if (error.code !== "42P04" && error.code !== "23505") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * knex over pg for one service database. Every pooled connection gets an error listener: when
 * Postgres restarts or a backend is terminated, an idle connection emits 'error'; unhandled, that
 * would crash the process. knex marks such a connection disposed and the pool replaces it.
 */
export function createDatabase(options: DatabaseOptions): Knex {
  const log = options.logger.child({ component: "db" });
  const timeout = options.connectTimeoutMs ?? 5_000;
  return knexFactory({
    client: "pg",
    connection: {
      connectionString: options.url,
      connectionTimeoutMillis: timeout,
      statement_timeout: options.statementTimeoutMs ?? 15_000,
      application_name: options.logger.defaultMeta?.service ?? "tollgate",
    },
    pool: {
      min: options.pool?.min ?? 0,
      max: options.pool?.max ?? 10,
      idleTimeoutMillis: 30_000,
      afterCreate: (connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) => {
        connection.on("error", (error) => log.warn("database connection lost; it will be replaced", { error: error.message }));
        done(null, connection);
      },
    },
    acquireConnectionTimeout: timeout,
    // knex writes its own warnings to the console; send them through our logger instead.
    log: {
      warn: (message: unknown) => log.warn("knex", { detail: String(message) }),
      error: (message: unknown) => log.error("knex", { detail: String(message) }),
      deprecate: (message: unknown) => log.warn("knex deprecation", { detail: String(message) }),
      debug: (message: unknown) => log.debug("knex", { detail: String(message) }),
    },
  });
}

export interface Migration {
  name: string;
  up: (knex: Knex) => Promise<void>;
  down?: (knex: Knex) => Promise<void>;
}

/**
 * Runs a service's migrations from an explicit, ordered list (no directory scanning, so the same
 * code works from TypeScript sources and from the compiled build).
 */
export async function migrate(knex: Knex, migrations: Migration[], tableName = "knex_migrations"): Promise<string[]> {
  const source: Knex.MigrationSource<Migration> = {
    getMigrations: async () => migrations,
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => ({
      up: migration.up,
      down: migration.down ?? (async () => Promise.reject(new Error(`${migration.name} cannot be rolled back`))),
    }),
  };
  const [, applied] = (await knex.migrate.latest({ migrationSource: source, tableName })) as [number, string[]];
  return applied;
}
