import type { Knex } from "knex";
import type { Migration } from "../db/create-database";

export const PROCESSED_EVENTS_TABLE = "processed_events";

export const processedEventsMigration: Migration = {
  name: "0001_kit_processed_events",
  up: async (knex) => {
    await knex.schema.createTable(PROCESSED_EVENTS_TABLE, (table) => {
      table.text("consumer").notNullable();
      table.text("event_id").notNullable();
      table.timestamp("processed_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.primary(["consumer", "event_id"]);
    });
  },
  down: async (knex) => knex.schema.dropTable(PROCESSED_EVENTS_TABLE),
};

/**
 * Applies an event's side effect at most once per consumer: the event id is recorded in the same
 * transaction as the effect, so a redelivered event finds its id and changes nothing.
 * Returns false when the event had already been applied.
 */
export async function applyOnce(
  knex: Knex,
  consumer: string,
  eventId: string,
  effect: (trx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  return knex.transaction(async (trx) => {
    const inserted = await trx(PROCESSED_EVENTS_TABLE).insert({ consumer, event_id: eventId }).onConflict(["consumer", "event_id"]).ignore().returning("event_id");
    if (inserted.length === 0) return false;
    await effect(trx);
    return true;
  });
}
