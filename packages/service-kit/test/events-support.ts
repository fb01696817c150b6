import { testDatabaseUrl, testInfra, uniqueName } from "@tollgate/test-harness";
import type { Knex } from "knex";
import {
  createDatabase,
  createIdempotentProducer,
  createKafka,
  ensureDatabase,
  ensureTopics,
  migrate,
  OutboxRelay,
  outboxMigration,
  processedEventsMigration,
} from "../src";
import { captureLogger } from "./support";

export const DATABASE_URL = testDatabaseUrl("tollgate_kit_events_test");

/** A database with an outbox, a Kafka client, an idempotent producer and a relay, on fresh topics. */
export async function eventsFixture({ brokers = testInfra().kafkaBrokers, pollIntervalMs = 200 }: { brokers?: string[]; pollIntervalMs?: number } = {}) {
  const { logger, capture } = captureLogger("kit-events");
  await ensureDatabase(DATABASE_URL);
  const knex: Knex = createDatabase({ url: DATABASE_URL, logger });
  await migrate(knex, [outboxMigration, processedEventsMigration]);
  await knex.schema.dropTableIfExists("applied_effects");
  await knex.schema.createTable("applied_effects", (table) => {
    table.text("event_id").notNullable();
    table.timestamp("applied_at", { useTz: true }).defaultTo(knex.fn.now());
  });
  await knex("outbox").delete();
  await knex("processed_events").delete();
  const topic = uniqueName("kit.events");
  const kafka = createKafka({ clientId: "kit-test", brokers, logger });
  await ensureTopics(kafka, [topic, `${topic}.dlq`]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const relay = new OutboxRelay({ knex, producer, logger, listenUrl: DATABASE_URL, pollIntervalMs, maxBackoffMs: 1_000 });
  return {
    knex,
    kafka,
    producer,
    relay,
    topic,
    logger,
    capture,
    async close() {
      await relay.stop({ flushTimeoutMs: 0 });
      await producer.disconnect();
      await knex.destroy();
    },
  };
}
