import type { Migration } from "@tollgate/service-kit";

/**
 * A replayed answer's body is stored as the text it was first sent as (`json`), not as `jsonb`,
 * which keeps keys in its own order (shorter keys first): a repeat under an `Idempotency-Key`
 * answered the same values with its keys in another order (issue #19 re-test). Bodies stored
 * before keep jsonb's order.
 */
export const replayedBodiesAsSentMigration: Migration = {
  name: "0007_replayed_bodies_as_sent",
  up: async (knex) => {
    await knex.raw("ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE json USING response_body::json");
  },
  down: async (knex) => {
    await knex.raw("ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb");
  },
};
