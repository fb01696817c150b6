import { testDatabaseUrl } from "@tollgate/test-harness";
import pg from "pg";
import { createDatabase, ensureDatabase, migrate, outboxMigration, processedEventsMigration } from "../src";
import { captureLogger } from "./support";

const url = testDatabaseUrl("tollgate_kit_db_test");

async function adminQuery(sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: testDatabaseUrl("postgres") });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe("database", () => {
  beforeAll(async () => {
    await adminQuery("DROP DATABASE IF EXISTS tollgate_kit_db_test WITH (FORCE)");
  });

  it("when the service database is missing, then it is created and the migrations run once", async () => {
    await ensureDatabase(url);
    await ensureDatabase(url);
    const knex = createDatabase({ url, logger: captureLogger().logger });
    try {
      expect(await migrate(knex, [outboxMigration, processedEventsMigration])).toEqual([outboxMigration.name, processedEventsMigration.name]);
      expect(await migrate(knex, [outboxMigration, processedEventsMigration])).toEqual([]);
      expect(await knex.schema.hasTable("outbox")).toBe(true);
    } finally {
      await knex.destroy();
    }
  });

  it("when Postgres terminates the pool's connections, then the process survives and the next query works", async () => {
    await ensureDatabase(url);
    const { logger, capture } = captureLogger();
    const knex = createDatabase({ url, logger, pool: { min: 2, max: 2 } });
    try {
      await Promise.all([knex.raw("SELECT pg_sleep(0.05)"), knex.raw("SELECT pg_sleep(0.05)")]);
      const killed = await adminQuery(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        ["tollgate_kit_db_test"],
      );
      expect(killed.rowCount).toBeGreaterThanOrEqual(1);
      // The terminated sessions report their end asynchronously; the pool must swallow and replace them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { rows } = await knex.raw("SELECT 1 + 1 AS two");
      expect(rows[0].two).toBe(2);
      expect(capture.text()).toContain("database connection lost");
    } finally {
      await knex.destroy();
    }
  });
});
