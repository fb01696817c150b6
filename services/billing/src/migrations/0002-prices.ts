import type { Migration } from "@tollgate/service-kit";

/**
 * Price versions: each is a complete price list in one currency; a purchase records the `prices`
 * row it paid (its `price_id`), so changing prices never rewrites what was charged.
 */
export const pricesMigration: Migration = {
  name: "0002_prices",
  up: async (knex) => {
    await knex.schema.createTable("price_versions", (table) => {
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.bigIncrements("version", { primaryKey: false }).notNullable().unique();
      table.specificType("currency", "char(3)").notNullable();
      // `config`: PRICE_LIST at start; `admin`: PUT /api/v1/admin/billing/prices.
      table.text("source").notNullable();
      table.text("config_text").nullable();
      table.uuid("created_by").nullable();
      table.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(["currency", "version"]);
    });
    await knex.raw(`ALTER TABLE price_versions ADD CONSTRAINT price_versions_source_check CHECK (source IN ('config', 'admin'))`);
    await knex.schema.createTable("prices", (table) => {
      table.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
      table.uuid("price_version_id").notNullable().references("id").inTable("price_versions");
      table.integer("duration_hours").notNullable();
      table.bigInteger("unit_amount").notNullable();
      table.unique(["price_version_id", "duration_hours"]);
    });
    await knex.raw(`ALTER TABLE prices ADD CONSTRAINT prices_duration_check CHECK (duration_hours IN (1, 12, 24, 168, 720))`);
    await knex.raw(`ALTER TABLE prices ADD CONSTRAINT prices_unit_amount_check CHECK (unit_amount >= 0)`);
  },
  down: async (knex) => {
    await knex.schema.dropTable("prices");
    await knex.schema.dropTable("price_versions");
  },
};
