import { eventTypes } from "@tollgate/contracts";
import { testDatabaseUrl } from "@tollgate/test-harness";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import {
  afterCommit,
  createDatabase,
  createEvent,
  createHttpMetrics,
  ensureDatabase,
  exposeOutboxBacklog,
  migrate,
  OUTBOX_OLDEST_AGE_METRIC,
  OUTBOX_UNSENT_METRIC,
  outboxMigration,
  writeToOutbox,
} from "../src";
import { captureLogger } from "./support";

// A database of its own: other suites of this package empty the events fixture's outbox.
const DATABASE_URL = testDatabaseUrl("tollgate_kit_outbox_metrics_test");

function sample(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} ([0-9.e+-]+|NaN)$`, "mi").exec(text);
  return match ? Number(match[1]) : undefined;
}

const revoked = () => {
  const tokenId = randomUUID();
  return createEvent({ source: "/test", type: eventTypes.tokenRevoked, subject: tokenId, data: { token_id: tokenId, user_id: randomUUID(), token_sha256: "a".repeat(64), reason: "user_request", revoked_at: new Date().toISOString() } });
};

describe("outbox metrics", () => {
  let knex: Knex;

  beforeAll(async () => {
    const { logger } = captureLogger();
    await ensureDatabase(DATABASE_URL);
    knex = createDatabase({ url: DATABASE_URL, logger });
    await migrate(knex, [outboxMigration]);
  });

  beforeEach(async () => {
    await knex("outbox").delete();
  });

  afterAll(async () => {
    await knex.destroy();
  });

  it("when nothing waits, then the backlog is 0 and so is the oldest row's age; with unsent rows, their count and the oldest one's age in seconds; sent rows do not count", async () => {
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    exposeOutboxBacklog(registry, knex);
    let text = await registry.metrics();
    expect(sample(text, OUTBOX_UNSENT_METRIC)).toBe(0);
    expect(sample(text, OUTBOX_OLDEST_AGE_METRIC)).toBe(0);

    await knex.transaction((trx) => writeToOutbox(trx, [revoked(), revoked(), revoked()].map((event) => ({ topic: "t", key: "k", event }))));
    await knex("outbox").update({ created_at: knex.raw("now() - interval '90 seconds'") }).whereIn("seq", knex("outbox").min("seq"));
    await knex("outbox").update({ sent_at: knex.fn.now() }).whereIn("seq", knex("outbox").max("seq"));
    text = await registry.metrics();
    expect(sample(text, OUTBOX_UNSENT_METRIC)).toBe(2);
    expect(sample(text, OUTBOX_OLDEST_AGE_METRIC)).toBeGreaterThanOrEqual(90);
    expect(sample(text, OUTBOX_OLDEST_AGE_METRIC)).toBeLessThan(120);
  });

  it("when Postgres does not answer in time, then the scrape still answers, with NaN (unknown) rather than a stale or made-up number", async () => {
    const { registry } = createHttpMetrics({ defaultMetrics: false });
    exposeOutboxBacklog(registry, knex, { timeoutMs: 200 });
    await knex.transaction(async (trx) => {
      // Holds the table: count(*) waits on the lock until the time-out.
      await trx.raw("LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(sample(text, OUTBOX_UNSENT_METRIC)).toBeNaN();
      expect(sample(text, OUTBOX_OLDEST_AGE_METRIC)).toBeNaN();
    });
  });

  it("when a transaction commits, then afterCommit's effect runs; when it rolls back, it never does", async () => {
    const seen: string[] = [];
    await knex.transaction(async (trx) => {
      afterCommit(trx, () => seen.push("committed"));
      expect(seen).toEqual([]);
    });
    await knex
      .transaction(async (trx) => {
        afterCommit(trx, () => seen.push("rolled back"));
        throw new Error("rule broken");
      })
      .catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["committed"]);
  });
});
