import type { CloudEvent } from "@tollgate/contracts";
import type { Knex } from "knex";
import type { Migration } from "../db/create-database";

export const OUTBOX_TABLE = "outbox";
/** Postgres delivers this notification when the writing transaction commits, waking the relay. */
export const OUTBOX_CHANNEL = "tollgate_outbox";

/** Add to a service's migration list to own an outbox. */
export const outboxMigration: Migration = {
  name: "0000_kit_outbox",
  up: async (knex) => {
    await knex.schema.createTable(OUTBOX_TABLE, (table) => {
      table.bigIncrements("seq").primary();
      table.uuid("event_id").notNullable().unique();
      table.text("topic").notNullable();
      table.text("message_key").notNullable();
      table.jsonb("payload").notNullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp("sent_at", { useTz: true }).nullable();
      table.integer("attempts").notNullable().defaultTo(0);
      table.text("last_error").nullable();
    });
    await knex.raw(`CREATE INDEX outbox_unsent_idx ON ${OUTBOX_TABLE} (seq) WHERE sent_at IS NULL`);
    await knex.raw(`CREATE INDEX outbox_sent_at_idx ON ${OUTBOX_TABLE} (sent_at) WHERE sent_at IS NOT NULL`);
  },
  down: async (knex) => knex.schema.dropTable(OUTBOX_TABLE),
};

export interface OutboxMessage {
  topic: string;
  /** Kafka key: the aggregate id, so events of one aggregate stay in order. */
  key: string;
  event: CloudEvent;
}

/** The outbox row of a message: the one place a message is serialised for the relay. */
export function outboxRow({ topic, key, event }: OutboxMessage): { event_id: string; topic: string; message_key: string; payload: string } {
  return { event_id: event.id, topic, message_key: key, payload: JSON.stringify(event) };
}

/**
 * Writes events in the caller's transaction: they are published if and only if it commits. The
 * insert and the relay's wake-up notification travel as one statement (Postgres holds the
 * notification until the commit).
 */
export async function writeToOutbox(trx: Knex.Transaction, messages: OutboxMessage | OutboxMessage[]): Promise<void> {
  const list = Array.isArray(messages) ? messages : [messages];
  if (list.length === 0) return;
  await trx.raw("WITH written AS (?) SELECT pg_notify(?, '')", [trx(OUTBOX_TABLE).insert(list.map(outboxRow)), OUTBOX_CHANNEL]);
}
